import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunEvent } from "../model/events";
import { fixtureId, pipelineFixture } from "../testing/fixture";
import { abandonRoot } from "./roots";
import { rowCounts, startTestServer, type TestServer } from "../testing/harness";

describe("batch ingest", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());
  const counts = (): Record<string, number> => rowCounts(t.server.context.db);

  it("is idempotent: the same batch twice adds no rows and counts duplicates", async () => {
    const fx = pipelineFixture({ seed: "idempotent" });
    const first = await t.api.postEvents(fx.events);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, {
      received: fx.events.length,
      ingested: fx.events.length,
      duplicates: 0,
    });
    const once = counts();
    const again = await t.api.postEvents(fx.events);
    assert.deepEqual(again.body, {
      received: fx.events.length,
      ingested: 0,
      duplicates: fx.events.length,
    });
    assert.deepEqual(counts(), once);
  });

  it("stores a step's TypeScript and cell when run-created carries them, and GET /runs/{id} answers them", async () => {
    const fx = pipelineFixture({ seed: "typescript-source" });
    const typed = "function load(rows: number): number {\n  return rows;\n}";
    const events = fx.events.map((e) =>
      e.type === "run-created" && e.run.id === fx.runs.load
        ? { ...e, run: { ...e.run, sourceTypeScript: typed, sourceCell: 7 } }
        : e,
    );
    assert.equal((await t.api.postEvents(events)).status, 200);
    const load = await t.api.get<{
      run: { sourceText: string; sourceTypeScript?: string; sourceCell?: number };
    }>(`/runs/${fx.runs.load}`);
    assert.equal(load.body.run.sourceTypeScript, typed);
    assert.equal(load.body.run.sourceCell, 7);
    assert.doesNotMatch(load.body.run.sourceText, /: number/);
    // A step with no TypeScript known (a script's) answers its compiled text alone.
    const other = await t.api.get<{ run: Record<string, unknown> }>(`/runs/${fx.rootId}`);
    assert.equal("sourceTypeScript" in other.body.run, false);
    assert.equal("sourceCell" in other.body.run, false);
  });

  it("applies only the new part of a batch that overlaps one already ingested", async () => {
    const fx = pipelineFixture({ seed: "overlap" });
    const half = Math.floor(fx.events.length / 2);
    await t.api.postEvents(fx.events.slice(0, half + 5));
    const res = await t.api.postEvents(fx.events.slice(half));
    assert.deepEqual(res.body, {
      received: fx.events.length - half,
      ingested: fx.events.length - half - 5,
      duplicates: 5,
    });
    const logs = fx.events.filter((e) => e.type === "log").length;
    const stored = t.server.context.db
      .prepare("SELECT count(*) AS n FROM logs l JOIN runs r ON r.seq = l.run WHERE r.root_id = ?")
      .get(fx.rootId) as { n: number };
    assert.equal(stored.n, logs);
  });

  it("applies events that arrive out of order exactly once", async () => {
    const fx = pipelineFixture({ seed: "out-of-order" });
    await t.api.postEvents(fx.events);
    const last = fx.events.length;
    const log = (seq: number): RunEvent => ({
      type: "log",
      id: `${fx.rootId}:${seq}`,
      rootId: fx.rootId,
      at: seq,
      runId: fx.runs.load!,
      stream: "stdout",
      text: `line ${seq}\n`,
    });
    const post = async (seqs: number[]): Promise<{ ingested: number; duplicates: number }> => {
      const { ingested, duplicates } = (await t.api.postEvents(seqs.map(log))).body;
      return { ingested, duplicates };
    };
    assert.deepEqual(await post([last + 3, last + 4]), { ingested: 2, duplicates: 0 });
    assert.deepEqual(await post([last + 4]), { ingested: 0, duplicates: 1 });
    assert.deepEqual(await post([last + 1, last + 2, last + 3]), { ingested: 2, duplicates: 1 });
    assert.deepEqual(await post([last + 1, last + 2, last + 3, last + 4, last + 5]), {
      ingested: 1,
      duplicates: 4,
    });
    const logs = await t.api.get<{ lines: { text: string }[] }>(`/runs/${fx.runs.load}/logs`);
    assert.deepEqual(
      logs.body.lines.map((l) => l.text).slice(1),
      [3, 4, 1, 2, 5].map((i) => `line ${last + i}\n`),
    );
    const { db } = t.server.context;
    assert.equal(
      (
        db.prepare("SELECT applied FROM event_sequences WHERE root_id = ?").get(fx.rootId) as {
          applied: number;
        }
      ).applied,
      last + 5,
    );
    assert.equal(
      (db.prepare("SELECT count(*) AS n FROM processed_events").get() as { n: number }).n,
      0,
    );
  });

  it("stores nothing from a batch with one inconsistent event, and names that event", async () => {
    const fx = pipelineFixture({ seed: "atomic" });
    const before = counts();
    const bad: RunEvent = {
      type: "log",
      id: `${fx.rootId}:9999`,
      rootId: fx.rootId,
      at: 1,
      runId: fixtureId("nobody"),
      stream: "stdout",
      text: "x",
    };
    const events = [...fx.events.slice(0, 20), bad, ...fx.events.slice(20)];
    const res = await t.api.postEvents(events);
    assert.equal(res.status, 422);
    assert.match(
      res.text,
      /event 20 \(log .*:9999\) refers to run .* which has no run-created event/,
    );
    assert.deepEqual(counts(), before);
    // The same events without the bad one are then accepted in full.
    assert.equal((await t.api.postEvents(fx.events)).body.ingested, fx.events.length);
  });

  it("refuses an edge to an artifact that no artifact event announced", async () => {
    const fx = pipelineFixture({ seed: "edge-first" });
    const edge: RunEvent = {
      type: "edge",
      id: `${fx.rootId}:9999`,
      rootId: fx.rootId,
      at: 1,
      runId: fx.rootId,
      direction: "input",
      name: "n",
      artifactId: "f".repeat(64),
    };
    const res = await t.api.postEvents([fx.events[0]!, edge]);
    assert.equal(res.status, 422);
    assert.match(res.text, /send the artifact event first/);
  });

  it("keeps terminal states: a late state event changes nothing", async () => {
    const fx = pipelineFixture({ seed: "terminal" });
    await t.api.postEvents(fx.events);
    const last = Number(fx.events[fx.events.length - 1]!.id.split(":")[1]);
    const late: RunEvent = {
      type: "run-state",
      id: `${fx.rootId}:${last + 1}`,
      rootId: fx.rootId,
      at: Date.now(),
      runId: fx.runs.load!,
      state: "running",
      attempt: 2,
    };
    assert.equal((await t.api.postEvents([late])).status, 200);
    const run = await t.api.get<{ run: { state: string; attempt: number } }>(
      `/runs/${fx.runs.load}`,
    );
    assert.deepEqual([run.body.run.state, run.body.run.attempt], ["resolved", 1]);
  });

  it("accepts top-level input runs (no parent) of a root, but not runs of an unknown root", async () => {
    const fx = pipelineFixture({ seed: "top-level", unfinished: true });
    await t.api.postEvents(fx.events);
    const input = fixtureId("top-level", "input");
    const created = (seq: number, rootId: string): RunEvent => ({
      type: "run-created",
      id: `${rootId}:${seq}`,
      rootId,
      at: 1,
      run: {
        id: input,
        rootId,
        parentId: null,
        stepName: "makeInput",
        sourceHash: "ab".repeat(32),
        sourceText: "function makeInput() {}",
        tags: [],
        resources: {},
        cache: false,
        parameters: [],
        createdAt: 1,
      },
    });
    assert.equal((await t.api.postEvents([created(1000, fx.rootId)])).status, 200);
    const stranger = fixtureId("no-such-root");
    const res = await t.api.postEvents([created(1, stranger)]);
    assert.equal(res.status, 422);
  });

  it("ends at once a run created under a root the server already abandoned", async () => {
    const fx = pipelineFixture({ seed: "after-abandon", unfinished: true });
    await t.api.postEvents(fx.events);
    const { db } = t.server.context;
    assert.deepEqual(abandonRoot(db, fx.rootId, Date.now(), 30_000).length > 0, true);
    const late = fixtureId("after-abandon", "late");
    const res = await t.api.postEvents([
      {
        type: "run-created",
        id: `${fx.rootId}:9000`,
        rootId: fx.rootId,
        at: 1,
        run: {
          id: late,
          rootId: fx.rootId,
          parentId: fx.rootId,
          stepName: "lateStep",
          sourceHash: "ab".repeat(32),
          sourceText: "function lateStep() {}",
          tags: [],
          resources: {},
          cache: false,
          parameters: [],
          createdAt: 1,
        },
      },
    ]);
    assert.equal(res.status, 200);
    const run = await t.api.get<{
      run: { state: string; endedAt: number | null; error: { name: string; message: string } };
    }>(`/runs/${late}`);
    assert.equal(run.body.run.state, "failed");
    assert.notEqual(run.body.run.endedAt, null);
    assert.equal(run.body.run.error.name, "ClientLostError");
    assert.match(run.body.run.error.message, /abandoned/);
  });

  it("takes a run-created of a run that exists in the same root as a replay: the run stays as it was", async () => {
    const fx = pipelineFixture({ seed: "twice" });
    await t.api.postEvents(fx.events);
    const counts = rowCounts(t.server.context.db);
    const root = fx.events[0] as Extract<RunEvent, { type: "run-created" }>;
    const load = fx.events.find(
      (e) => e.type === "run-created" && e.run.id === fx.runs.load,
    ) as Extract<RunEvent, { type: "run-created" }>;
    // A requeued worker's next attempt (its own writer) creates the runs its first attempt did.
    const writer = `${fx.rootId}:${fx.runs.load}.2`;
    const res = await t.api.postEvents([
      { ...root, id: `${writer}:1`, run: { ...root.run, stepName: "renamed" } },
      { ...load, id: `${writer}:2`, run: { ...load.run, stepName: "renamed" } },
    ]);
    assert.equal(res.status, 200, res.text);
    const after = rowCounts(t.server.context.db);
    assert.equal(after.runs, counts.runs);
    assert.equal(after.roots, counts.roots);
    for (const id of [fx.rootId, fx.runs.load!]) {
      const run = await t.api.get<{ run: { stepName: string; state: string } }>(`/runs/${id}`);
      assert.notEqual(run.body.run.stepName, "renamed");
      assert.equal(run.body.run.state, "resolved");
    }
  });

  it("refuses a run created again under another root run (409)", async () => {
    const fx = pipelineFixture({ seed: "twice-a" });
    const other = pipelineFixture({ seed: "twice-b" });
    await t.api.postEvents(fx.events);
    await t.api.postEvents(other.events);
    const load = fx.events.find(
      (e) => e.type === "run-created" && e.run.id === fx.runs.load,
    ) as Extract<RunEvent, { type: "run-created" }>;
    const res = await t.api.postEvents([
      {
        ...load,
        id: `${other.rootId}:5000`,
        rootId: other.rootId,
        run: { ...load.run, rootId: other.rootId, parentId: other.rootId },
      },
    ]);
    assert.equal(res.status, 409);
    assert.match(res.text, /already exists in another root run/);
  });

  it("refuses an event whose id does not start with its own root id", async () => {
    const fx = pipelineFixture({ seed: "ids" });
    const res = await t.api.postEvents<{ error: { message: string } }>([
      { ...fx.events[0]!, id: `${fixtureId("other")}:1` },
    ]);
    assert.equal(res.status, 422);
    assert.match(res.body.error.message, /event ids are "<rootId>:<writer>:<seq>"/);
  });

  it("stores the events of two writers of one root whose seqs overlap", async () => {
    const fx = pipelineFixture({ seed: "two-writers" });
    await t.api.postEvents(fx.events);
    const worker = fx.runs.load!;
    const log = (writer: string, seq: number): RunEvent => ({
      type: "log",
      id: `${fx.rootId}:${writer}:${seq}`,
      rootId: fx.rootId,
      at: seq,
      runId: worker,
      stream: "stdout",
      text: `${writer.startsWith(worker) ? "worker" : "driver"} ${seq}\n`,
    });
    const driverLogs = [1, 2, 3].map((seq) => log(`${fx.rootId}.1`, seq));
    const workerLogs = [1, 2, 3].map((seq) => log(`${worker}.1`, seq));
    const first = await t.api.postEvents([...driverLogs, ...workerLogs]);
    assert.deepEqual(first.body, { received: 6, ingested: 6, duplicates: 0 });
    // Per writer a retried event is still a duplicate, and a second attempt is a writer of its own.
    const again = await t.api.postEvents([workerLogs[2]!, log(`${worker}.2`, 1)]);
    assert.deepEqual(again.body, { received: 2, ingested: 1, duplicates: 1 });
    const logs = await t.api.get<{ lines: { text: string }[] }>(`/runs/${worker}/logs`);
    const texts = logs.body.lines.map((l) => l.text);
    for (const seq of [1, 2, 3]) {
      assert.ok(texts.includes(`driver ${seq}\n`), `driver ${seq} stored`);
      assert.equal(texts.filter((t) => t === `worker ${seq}\n`).length, seq === 1 ? 2 : 1);
    }
  });

  it("keeps each writer's out-of-order events apart from the others' watermarks", async () => {
    const fx = pipelineFixture({ seed: "writer-gaps" });
    await t.api.postEvents(fx.events);
    const a = `${fx.runs.load!}.1`;
    const b = `${fx.rootId}.1`;
    const log = (writer: string, seq: number): RunEvent => ({
      type: "log",
      id: `${fx.rootId}:${writer}:${seq}`,
      rootId: fx.rootId,
      at: seq,
      runId: fx.runs.load!,
      stream: "stdout",
      text: `${seq}\n`,
    });
    const post = async (events: RunEvent[]): Promise<{ ingested: number; duplicates: number }> => {
      const { ingested, duplicates } = (await t.api.postEvents(events)).body;
      return { ingested, duplicates };
    };
    assert.deepEqual(await post([log(a, 2), log(b, 1)]), { ingested: 2, duplicates: 0 });
    assert.deepEqual(await post([log(a, 1), log(a, 2), log(b, 1), log(b, 2)]), {
      ingested: 2,
      duplicates: 2,
    });
    const { db } = t.server.context;
    const applied = (key: string): number =>
      (
        db.prepare("SELECT applied FROM event_sequences WHERE root_id = ?").get(key) as {
          applied: number;
        }
      ).applied;
    assert.equal(applied(`${fx.rootId}:${a}`), 2);
    assert.equal(applied(`${fx.rootId}:${b}`), 2);
    const ahead = db
      .prepare("SELECT count(*) AS n FROM processed_events WHERE id > ? AND id < ?")
      .get(`${fx.rootId}:`, `${fx.rootId};`) as { n: number };
    assert.equal(ahead.n, 0);
  });

  it("refuses a writer that is not a run id with an attempt from 1", async () => {
    const fx = pipelineFixture({ seed: "bad-writer" });
    for (const writer of [fx.rootId, `${fx.rootId}.0`, "worker.1"]) {
      const res = await t.api.postEvents<{ error: { message: string } }>([
        { ...fx.events[0]!, id: `${fx.rootId}:${writer}:1` },
      ]);
      assert.equal(res.status, 422, writer);
      assert.match(res.body.error.message, /<writer> is the writing run's id and attempt/);
    }
  });

  it("records nothing a canceled run's code logs after the run ended (a body that ignored its signal)", async () => {
    const fx = pipelineFixture({ seed: "late-logs", unfinished: true });
    await t.api.postEvents(fx.events);
    const writer = `${fx.rootId}.1`;
    const base = (seq: number) => ({
      id: `${fx.rootId}:${writer}:${seq}`,
      rootId: fx.rootId,
      at: seq,
    });
    const before = counts();
    const res = await t.api.postEvents([
      { ...base(1), type: "log", runId: fx.rootId, stream: "stdout", text: "before the cancel\n" },
      { ...base(2), type: "run-state", runId: fx.rootId, state: "canceled", attempt: 1 },
      { ...base(3), type: "log", runId: fx.rootId, stream: "stdout", text: "after the cancel\n" },
      { ...base(4), type: "metric", runId: fx.rootId, name: "loss", value: 0.5 },
    ]);
    assert.equal(res.status, 200);
    const logs = await t.api.get<{ lines: { text: string }[] }>(`/runs/${fx.rootId}/logs`);
    const texts = logs.body.lines.map((l) => l.text);
    assert.ok(texts.includes("before the cancel\n"), texts.join(""));
    assert.ok(!texts.includes("after the cancel\n"), texts.join(""));
    assert.equal(counts().metrics, before.metrics);
  });
});
