import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunEvent } from "../model/events";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";

/** A finished pipeline whose root step is called `name`. */
function named(seed: string, name: string): { rootId: string; events: RunEvent[] } {
  const fx = pipelineFixture({ seed });
  const events = fx.events.map((e) =>
    e.type === "run-created" && e.run.id === fx.rootId
      ? { ...e, run: { ...e.run, stepName: name } }
      : e,
  );
  return { rootId: fx.rootId, events };
}

describe("searching runs by name", () => {
  let t: TestServer;
  const model = named("search-model", "Модель обучения");
  const cafe = named("search-cafe", "café-prep");
  before(async () => {
    t = await startTestServer();
    for (const fx of [model, cafe]) assert.equal((await t.api.postEvents(fx.events)).status, 200);
  });
  after(() => t.close());

  const ids = async (query: string): Promise<string[]> =>
    (await t.api.get<{ runs: { id: string }[] }>(`/runs?root=true&${query}`)).body.runs
      .map((r) => r.id)
      .sort();

  for (const [text, expected] of [
    ["Модель", () => model.rootId],
    ["café", () => cafe.rootId],
    ["модель", () => model.rootId],
    ["CAFÉ", () => cafe.rootId],
  ] as const) {
    it(`q=${text} finds what nameContains=${text} finds`, async () => {
      const byName = await ids(`nameContains=${encodeURIComponent(text)}`);
      const byText = await ids(`q=${encodeURIComponent(text)}`);
      assert.deepEqual(byName, [expected()]);
      assert.deepEqual(byText, byName);
    });
  }
});
