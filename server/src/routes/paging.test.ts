import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NoteView, RunView } from "../model/api";
import { EventRecorder, fixtureId, jsonArtifact } from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";

interface LineageAnswer {
  producedBy: { name: string; run: RunView }[];
  consumedBy: { name: string; run: RunView }[];
  nextCursor: string | null;
}

/** Every page of a paged route; `items` picks a page's items. */
async function allPages<P extends { nextCursor: string | null }, T>(
  t: TestServer,
  path: string,
  items: (page: P) => T[],
  limit: number,
): Promise<{ items: T[]; pages: number; largestPage: number }> {
  const all: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let largestPage = 0;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const query: string = `${sep}limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`;
    const res = await t.api.get<P>(`${path}${query}`);
    assert.equal(res.status, 200, res.text);
    const page = items(res.body);
    largestPage = Math.max(largestPage, page.length);
    all.push(...page);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor !== null);
  return { items: all, pages, largestPage };
}

describe("bounded answers: artifact lineage, children and notes are paged", () => {
  let t: TestServer;
  const steps = 1200;
  const rootId = fixtureId("paging", "root");
  const stepIds = Array.from({ length: steps }, (_, i) => fixtureId("paging", String(i)));
  const zero = jsonArtifact(0);

  before(async () => {
    t = await startTestServer();
    // A common value: every step takes `0`; step 0 also outputs it.
    const rec = new EventRecorder(rootId, 1_700_000_000_000);
    rec.created({
      id: rootId,
      parentId: null,
      stepName: "many",
      sourceText: "async function many() {}",
      parameters: [],
      mode: "local",
    });
    rec.state(rootId, "running");
    stepIds.forEach((id, i) => rec.step(id, rootId, "add", [["x", zero]], jsonArtifact(i)));
    rec.state(rootId, "resolved");
    await t.api.postInBatches(rec.events, 2000);
  });
  after(() => t.close());

  it("answers the lineage of a value with 1,200 consumers in small pages that reach each run once", async () => {
    const first = await t.api.get<LineageAnswer>(`/artifacts/${zero.id}/lineage`);
    assert.equal(first.status, 200);
    assert.equal(first.body.producedBy.length + first.body.consumedBy.length, 50);
    assert.equal(first.body.producedBy[0]!.run.id, stepIds[0]);
    assert.notEqual(first.body.nextCursor, null);

    const producers = await allPages<LineageAnswer, string>(
      t,
      `/artifacts/${zero.id}/lineage`,
      (p) => p.producedBy.map((l) => l.run.id),
      100,
    );
    assert.deepEqual(producers.items, [stepIds[0]]);
    const consumers = await allPages<LineageAnswer, string>(
      t,
      `/artifacts/${zero.id}/lineage`,
      (p) => p.consumedBy.map((l) => `${l.name}:${l.run.id}`),
      100,
    );
    assert.equal(consumers.largestPage, 100);
    assert.equal(consumers.pages, Math.ceil((steps + 1) / 100));
    assert.equal(new Set(consumers.items).size, steps);
    assert.deepEqual(
      consumers.items,
      stepIds.map((id) => `x:${id}`),
    );
  });

  it("refuses an artifact lineage cursor it did not issue and a page over 1,000", async () => {
    const bad = await t.api.get(`/artifacts/${zero.id}/lineage?cursor=zz`);
    assert.equal(bad.status, 400);
    const big = await t.api.get(`/artifacts/${zero.id}/lineage?limit=1001`);
    assert.equal(big.status, 400);
  });

  it("lists at most 1,000 child ids on GET /runs/{id}, and every child through /children pages", async () => {
    const run = await t.api.get<{ childIds: string[]; moreChildren: boolean }>(`/runs/${rootId}`);
    assert.equal(run.body.childIds.length, 1000);
    assert.equal(run.body.moreChildren, true);
    assert.deepEqual(run.body.childIds, stepIds.slice(0, 1000));
    const children = await allPages<{ runs: RunView[]; nextCursor: string | null }, string>(
      t,
      `/runs/${rootId}/children`,
      (p) => p.runs.map((r) => r.id),
      250,
    );
    assert.equal(children.largestPage, 250);
    assert.deepEqual(children.items, stepIds);
    const leaf = await t.api.get<{ childIds: string[]; moreChildren: boolean }>(
      `/runs/${stepIds[0]}`,
    );
    assert.deepEqual(leaf.body, { ...leaf.body, childIds: [], moreChildren: false });
  });

  it("pages a run's notes, oldest first", async () => {
    const texts = ["one", "two", "three", "four", "five"];
    for (const text of texts) {
      assert.equal((await t.api.post(`/runs/${rootId}/notes`, { text })).status, 201);
    }
    const notes = await allPages<{ notes: NoteView[]; nextCursor: string | null }, string>(
      t,
      `/runs/${rootId}/notes`,
      (p) => p.notes.map((n) => n.text),
      2,
    );
    assert.equal(notes.pages, 3);
    assert.deepEqual(notes.items, texts);
    const bad = await t.api.get(`/runs/${rootId}/notes?cursor=abc`);
    assert.equal(bad.status, 400);
  });
});
