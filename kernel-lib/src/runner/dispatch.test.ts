/**
 * The runner's dispatch policy, against an in-process Dispatcher (the runner's own seam; the HTTP
 * dispatcher against the real server and workers is tested in worker/cloud.test.ts).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EventSink, RunEvent } from "../events";
import type { Future } from "../future";
import { func } from "../step";
import type { Artifact } from "../types/artifact";
import { defaultRegistry } from "../types/registry";
import type { DispatchOutcome, DispatchRequest, Dispatcher, PriorRun } from "./dispatch";
import { RunView } from "../notebook/run-view";
import type { RunViewBundle } from "../notebook/bundle";
import { RunGraph } from "./graph";
import { durableRunId, newRunId } from "./ids";
import { Resolution } from "./resolution";

const registry = defaultRegistry();

function collect(): EventSink & { events: RunEvent[]; stored: Map<string, Artifact> } {
  const events: RunEvent[] = [];
  const stored = new Map<string, Artifact>();
  return {
    events,
    stored,
    emit: (e) => events.push(e),
    storeArtifact: (a) => stored.set(a.id, a),
    flush: async () => undefined,
  };
}

let bodies: string[] = [];
/** Bodies the in-process dispatcher ran "elsewhere". */
let jobBodies: string[] = [];

const prepare = func(function prepare(n: number) {
  bodies.push("prepare");
  return n + 1;
});
const train = func({ resources: { cpus: 1, memoryMiB: 64 } }, function train(n: number) {
  bodies.push("train");
  return { model: n * 10 };
});
const report = func({ remote: true }, function report(m: { model: number }) {
  bodies.push("report");
  return `model ${m.model}`;
});
const noResources = func({ resources: {} }, function noResources(s: string) {
  bodies.push("noResources");
  return s.length;
});
const pipeline = func(async function pipeline(n: number) {
  const m = train(prepare(n));
  const text = await report(m);
  return noResources(text);
});

/** Runs dispatched steps "elsewhere": decodes the inputs the sink stored and calls the step's function. */
class InProcessDispatcher implements Dispatcher {
  requests: DispatchRequest[] = [];
  constructor(
    private readonly stored: Map<string, Artifact>,
    private readonly fail?: string,
  ) {}
  async dispatch(
    request: DispatchRequest,
    _signal?: AbortSignal,
    onRunning?: () => void,
  ): Promise<DispatchOutcome> {
    this.requests.push(request);
    onRunning?.();
    if (request.stepName === this.fail) {
      return {
        state: "failed",
        error: {
          name: "WorkerFailedError",
          message: "the step used 900 MiB of its 64 MiB",
          stepName: request.stepName,
          path: [request.stepName],
          runId: request.runId,
          failure: {
            kind: "out-of-memory",
            message: "the step used 900 MiB of its 64 MiB",
            hint: "raise memoryMiB above 900",
            memory: { askedMiB: 64, usedMiB: 900 },
          },
        },
      };
    }
    const args = request.inputs.map((i) => {
      const a = this.stored.get(i.artifactId)!;
      return registry.fromBytes(a.typeName, a.bytes);
    });
    const fn = { train, report }[request.stepName as "train" | "report"].spec.fn as (
      ...a: unknown[]
    ) => unknown;
    // The worker stores its output where the next job finds it (here: beside the sink's).
    const here = bodies;
    bodies = jobBodies;
    const artifact = registry.toArtifact(fn(...args));
    bodies = here;
    this.stored.set(artifact.id, artifact);
    return { state: "resolved", artifact };
  }
}

function resolution(
  future: Future<unknown>,
  sink: EventSink,
  extra: Partial<ConstructorParameters<typeof Resolution>[0]> = {},
): Resolution {
  return new Resolution({
    rootId: newRunId(),
    rootFuture: future,
    mode: "local",
    sink,
    registry,
    cache: undefined,
    namespace: "default",
    maxParallelism: undefined,
    ...extra,
  });
}

function statesOf(events: RunEvent[], runId: string): string[] {
  return events.flatMap((e) => (e.type === "run-state" && e.runId === runId ? [e.state] : []));
}

function runIdOf(events: RunEvent[], stepName: string): string {
  const e = events.find((e) => e.type === "run-created" && e.run.stepName === stepName);
  assert.ok(e && e.type === "run-created", `a run of ${stepName} was created`);
  return e.run.id;
}

describe("dispatch policy of the runner", () => {
  it("dispatches steps with resources or remote: true, runs the others inline, and emits no state of a dispatched run after scheduled", async () => {
    bodies = [];
    jobBodies = [];
    const sink = collect();
    const dispatcher = new InProcessDispatcher(sink.stored);
    const future = pipeline(4) as Future<unknown>;
    const value = await resolution(future, sink, { dispatcher }).start(future, null);
    assert.equal(value, "model 50".length);
    assert.deepEqual(
      dispatcher.requests.map((r) => r.stepName),
      ["train", "report"],
    );
    assert.deepEqual(bodies, ["prepare", "noResources"], "only inline bodies ran here");
    assert.deepEqual(jobBodies, ["train", "report"]);
    const trainRequest = dispatcher.requests[0]!;
    assert.deepEqual(trainRequest.resources, { cpus: 1, memoryMiB: 64 });
    assert.equal(trainRequest.inputs.length, 1);
    assert.equal(trainRequest.inputs[0]!.name, "n");
    assert.equal(trainRequest.inputs[0]!.artifactId, registry.toArtifact(5).id);
    const trainId = runIdOf(sink.events, "train");
    assert.equal(trainRequest.runId, trainId);
    assert.deepEqual(statesOf(sink.events, trainId), ["scheduled"], "the worker writes the rest");
    const scheduled = sink.events.find(
      (e) => e.type === "run-state" && e.runId === trainId && e.state === "scheduled",
    );
    assert.equal(scheduled?.type === "run-state" && scheduled.cacheKey, trainRequest.cacheKey);
    // An inline run starts in the same tick: its running state carries the cache key.
    assert.deepEqual(statesOf(sink.events, runIdOf(sink.events, "noResources")), [
      "running",
      "resolved",
    ]);
    // The dispatched output flows on: report's input is train's output, recorded as a future flow.
    const flow = sink.events.find(
      (e) => e.type === "flow" && e.runId === runIdOf(sink.events, "report"),
    );
    assert.deepEqual(flow?.type === "flow" && flow.flows, [
      { from: trainId, kind: "future", parameter: "m", path: "m" },
    ]);
  });

  it("shows a dispatched run's running and final states to this process's views (run graph, notebook), never to the server", async () => {
    const server = collect();
    const view = new RunGraph();
    const dispatcher = new InProcessDispatcher(server.stored, "report");
    const future = pipeline(4) as Future<unknown>;
    const both: EventSink = {
      emit: (e) => {
        server.emit(e);
        view.emit(e);
      },
      storeArtifact: (a) => server.storeArtifact!(a),
    };
    await assert.rejects(
      resolution(future, both, { dispatcher, localSink: view }).start(future, null),
    );
    const train = view.byStep("train")[0]!;
    assert.deepEqual(train.states, ["created", "scheduled", "running", "resolved"]);
    assert.ok(train.output, "the view knows the job's output artifact");
    assert.ok(view.artifacts.has(train.output!));
    const report = view.byStep("report")[0]!;
    assert.deepEqual(report.states, ["created", "scheduled", "running", "failed"]);
    assert.equal(report.error?.failure?.kind, "out-of-memory");
    assert.deepEqual(statesOf(server.events, train.id), ["scheduled"], "the worker wrote the rest");
    assert.deepEqual(statesOf(server.events, report.id), ["scheduled"]);
  });

  it("keeps the notebook's run view open while a run is dispatched: its last update has the dispatched run's final state", async () => {
    const server = collect();
    let last: RunViewBundle | undefined;
    const future = pipeline(4) as Future<unknown>;
    const view = new RunView(
      { rootId: "r", stepName: "pipeline", mode: "cloud" },
      { show: (bundle) => (last = bundle) },
      { minIntervalMs: 0 },
    );
    const both: EventSink = {
      emit: (e) => {
        server.emit(e);
        view.emit(e);
      },
      storeArtifact: (a) => server.storeArtifact!(a),
      flush: async () => {
        await view.flush();
      },
    };
    const dispatcher = new InProcessDispatcher(server.stored);
    const r = resolution(future, both, { dispatcher, localSink: view, serverSink: server });
    await r.start(future, null);
    await both.flush!();
    const states = Object.fromEntries(last!.runs.map((run) => [run.name, run.state]));
    assert.deepEqual(states, {
      pipeline: "resolved",
      prepare: "resolved",
      train: "resolved",
      report: "resolved",
      noResources: "resolved",
    });
  });

  it("runs every step inline without a dispatcher", async () => {
    bodies = [];
    const sink = collect();
    const future = pipeline(4) as Future<unknown>;
    assert.equal(await resolution(future, sink).start(future, null), 8);
    assert.deepEqual(bodies, ["prepare", "train", "report", "noResources"]);
  });

  it("settles a failed job's run failed with the recorded error and failure, its parent nested-failed", async () => {
    const sink = collect();
    const dispatcher = new InProcessDispatcher(sink.stored, "train");
    const future = pipeline(4) as Future<unknown>;
    await assert.rejects(
      resolution(future, sink, { dispatcher }).start(future, null),
      /step "train" failed \(pipeline > train\): WorkerFailedError: the step used 900 MiB/,
    );
    const root = sink.events.find(
      (e) => e.type === "run-state" && e.runId === future.node!.id && e.state === "nested-failed",
    );
    assert.ok(root?.type === "run-state" && root.error, "the root failed nested");
    assert.equal(root.error.failure?.kind, "out-of-memory");
    assert.deepEqual(root.error.path, ["pipeline", "train"]);
    assert.equal(root.error.runId, runIdOf(sink.events, "train"));
    assert.deepEqual(statesOf(sink.events, runIdOf(sink.events, "train")), ["scheduled"]);
  });
});

describe("durable ids", () => {
  it("gives children the same ids in every attempt, from parent, call index, step and inputs", async () => {
    const ids = async (n: number): Promise<string[]> => {
      const sink = collect();
      const future = pipeline(n) as Future<unknown>;
      const rootId = "a".repeat(32);
      await resolution(future, sink, { rootId, durable: true }).start(future, null);
      return ["prepare", "train", "report", "noResources"].map((s) => runIdOf(sink.events, s));
    };
    const first = await ids(4);
    assert.deepEqual(await ids(4), first);
    assert.notDeepEqual(await ids(5), first);
    // Start order: `await report(m)` starts report (call 0), which starts its input train (1),
    // which starts prepare (2); a future argument stands as f<index>.
    const root = "a".repeat(32);
    assert.equal(first[0], durableRunId(root, 2, "prepare", [registry.toArtifact(4).id]));
    assert.equal(first[1], durableRunId(root, 1, "train", ["f0"]));
    assert.equal(first[2], durableRunId(root, 0, "report", ["f0"]));
  });

  it("reuses the output of a child an earlier attempt resolved with the same inputs: its body does not run", async () => {
    const inline = func(async function inlinePipeline(n: number) {
      return (await prepare(n)) + (await prepare(n + 10));
    });
    const rootId = "b".repeat(32);
    const first = collect();
    const f1 = inline(4) as Future<unknown>;
    assert.equal(await resolution(f1, first, { rootId, durable: true }).start(f1, null), 20);
    const [prepare4, prepare14] = first.events.flatMap((e) =>
      e.type === "run-created" && e.run.stepName === "prepare" ? [e.run.id] : [],
    );
    bodies = [];
    const asked: string[] = [];
    const replayer: Dispatcher = {
      dispatch: async () => ({ state: "canceled", reason: "not used: every step runs inline" }),
      async priorRun(runId): Promise<PriorRun | undefined> {
        asked.push(runId);
        if (runId === prepare4) {
          return {
            state: "resolved",
            inputs: { n: registry.toArtifact(4).id },
            output: registry.toArtifact(5),
          };
        }
        // Resolved too, but with other inputs: it runs again.
        return { state: "resolved", inputs: { n: "0".repeat(64) }, output: registry.toArtifact(0) };
      },
    };
    const second = collect();
    const f2 = inline(4) as Future<unknown>;
    const value = await resolution(f2, second, {
      rootId,
      durable: true,
      replay: true,
      dispatcher: replayer,
    }).start(f2, null);
    assert.equal(value, 20);
    assert.deepEqual(bodies, ["prepare"], "prepare(4) was replayed, prepare(14) ran");
    assert.deepEqual(asked, [prepare4, prepare14]);
    assert.deepEqual(statesOf(second.events, prepare4!), [], "no state is emitted again");
    assert.deepEqual(statesOf(second.events, prepare14!), ["running", "resolved"]);
  });

  it("re-attaches to the job of a dispatched run an earlier attempt left open, without sending it back to scheduled", async () => {
    jobBodies = [];
    const sink = collect();
    const stored = sink.stored;
    const inner = new InProcessDispatcher(stored);
    const open: Dispatcher = {
      dispatch: (request) => inner.dispatch(request),
      async priorRun(runId): Promise<PriorRun | undefined> {
        // Every run is known and still running (as a job that lives on after its driver died).
        const created = sink.events.find((e) => e.type === "run-created" && e.run.id === runId);
        const step = created?.type === "run-created" ? created.run.stepName : "";
        if (step !== "train") return undefined;
        return { state: "running", inputs: { n: registry.toArtifact(5).id } };
      },
    };
    const onlyTrain = func(async function onlyTrain(n: number) {
      return (await train(n + 1)).model;
    });
    const future = onlyTrain(4) as Future<unknown>;
    const r = resolution(future, sink, {
      rootId: "c".repeat(32),
      durable: true,
      replay: true,
      dispatcher: open,
    });
    assert.equal(await r.start(future, null), 50);
    const trainId = runIdOf(sink.events, "train");
    assert.deepEqual(
      inner.requests.map((q) => q.runId),
      [trainId],
      "dispatched again: re-attached",
    );
    assert.deepEqual(statesOf(sink.events, trainId), [], "no scheduled over its running state");
    assert.equal(
      sink.events.filter((e) => e.type === "edge" && e.runId === trainId).length,
      0,
      "its input edges are on the server already",
    );
  });

  it("asks the server about earlier runs only in a later attempt (replay), not in a first one", async () => {
    let asked = 0;
    const counting: Dispatcher = {
      dispatch: async () => ({ state: "canceled", reason: "not used" }),
      priorRun: async () => {
        asked++;
        return undefined;
      },
    };
    const inline = func(async function firstAttempt(n: number) {
      return await prepare(n);
    });
    const future = inline(1) as Future<unknown>;
    const sink = collect();
    await resolution(future, sink, { durable: true, dispatcher: counting }).start(future, null);
    assert.equal(asked, 0);
  });
});
