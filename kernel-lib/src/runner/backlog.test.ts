/**
 * A sink that cannot keep up (the lineage server is behind) holds runs back before they start, and
 * lets them go once it has room: the runner honours `EventSink.backlog`.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { EventSink } from "../events";
import { func } from "../index";

test("runs wait to start while the sink has a backlog, and all run once it clears", async () => {
  let blocked = false;
  const waiting: Array<() => void> = [];
  const running = new Set<string>();
  const sink: EventSink = {
    emit(event) {
      if (event.type === "run-state" && event.state === "running") running.add(event.runId);
    },
    backlog() {
      return blocked ? new Promise<void>((resolve) => waiting.push(resolve)) : undefined;
    },
  };
  const leaf = func(function backlogLeaf(i: number) {
    return i * 2;
  });
  const pipe = func(async function backlogPipe(n: number) {
    blocked = true; // from here on the sink is behind
    const values = await Promise.all(Array.from({ length: n }, (_, i) => leaf(i)));
    return values.reduce((a, b) => a + b, 0);
  });
  const result = pipe(50).resolve({ tracking: false, sink });
  for (let i = 0; i < 5; i++) await nextTurn();
  assert.equal(running.size, 1, "only the root runs while the sink is behind");
  assert.equal(waiting.length, 50);
  blocked = false;
  for (const go of waiting.splice(0)) go();
  assert.equal(await result, 2 * ((49 * 50) / 2));
  assert.equal(running.size, 51);
});
