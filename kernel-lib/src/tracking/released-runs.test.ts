/**
 * A tracked run keeps nothing of itself once it ended: its runs, futures and values become garbage
 * (a notebook runs many pipelines in one kernel; a 100,000-step run must not outlive its cell). The
 * proof counts objects still reachable after a garbage collection, never bytes or time.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { RunEvent } from "../events";
import { func, setTrackingBackend } from "../index";
import { ServerProcess } from "../test-support/server-process";
import { EventUploader } from "./event-uploader";
import { ServerClient } from "./http";
import { readLimits } from "./limits";
import { ServerBackend } from "./server-backend";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

let server: ServerProcess;

before(async () => {
  server = await ServerProcess.start();
  Object.assign(process.env, server.clientEnv());
  setTrackingBackend(new ServerBackend({ lingerMs: 5 }));
});

after(async () => {
  setTrackingBackend(undefined);
  await server.stop();
});

/** How many of `refs` still reach their object after the current job and a full collection. */
async function stillReachable(refs: WeakRef<object>[]): Promise<number> {
  // A WeakRef keeps its target until the job that made it ends: collect in a later turn.
  await nextTurn();
  collectGarbage();
  await nextTurn();
  return refs.filter((r) => r.deref() !== undefined).length;
}

test("a tracked run's runs and futures are garbage once it ended", async () => {
  const refs: WeakRef<object>[] = [];
  const leaf = func(function releasedLeaf(i: number) {
    return { value: i };
  });
  const pipe = func(async function releasedPipe(n: number) {
    const futures = Array.from({ length: n }, (_, i) => leaf(i));
    for (const f of futures) refs.push(new WeakRef(f));
    const values = await Promise.all(futures);
    for (const v of values) refs.push(new WeakRef(v));
    for (const f of futures) refs.push(new WeakRef(f.node!));
    return values.length;
  });
  assert.equal(await pipe(300), 300);
  assert.equal(refs.length, 900);
  assert.equal(await stillReachable(refs), 0);
});

test("an uploader keeps at most its high-water mark of events in memory, and none once flushed", async () => {
  const client = new ServerClient({ url: server.url, token: server.token, source: "test" });
  const limits = await readLimits(client);
  const uploader = new EventUploader(client, {
    batchSize: 100,
    lingerMs: 5,
    giveUpMs: 10_000,
    limits,
    highWaterEvents: 500,
  });
  const rootId = "0123456789abcdef0123456789abcdef";
  let seq = 0;
  const event = (body: Record<string, unknown>): RunEvent =>
    ({ ...body, id: `${rootId}:${rootId}.1:${++seq}`, rootId, at: Date.now() }) as RunEvent;
  uploader.push(
    event({
      type: "run-created",
      run: {
        id: rootId,
        rootId,
        parentId: null,
        stepName: "chatty",
        sourceHash: "abcdef01",
        sourceText: "function chatty() {}",
        tags: [],
        resources: {},
        cache: false,
        parameters: [],
        createdAt: Date.now(),
        mode: "local",
      },
    }),
  );
  let most = 0;
  for (let i = 0; i < 5_000; i++) {
    const wait = uploader.backlog();
    if (wait) await wait;
    uploader.push(event({ type: "log", runId: rootId, stream: "stdout", text: `line ${i}\n` }));
    most = Math.max(most, uploader.queued);
  }
  assert.ok(most <= 501, `${most} events were kept at once`);
  await uploader.flush();
  assert.equal(uploader.queued, 0);
  assert.equal(uploader.acknowledged, 5_001);
});
