import assert from "node:assert/strict";
import { afterEach, describe, it, test } from "node:test";

import type { IRunPage, IRunSummary, LineageClient } from "../client";
import { RunSelection } from "../services/selection";
import { isFiltering, matchesFilter, RunListModel, runQueryOf } from "./model";

const run: IRunSummary = {
  id: "r1",
  name: "trainPipeline",
  state: "resolved",
  rootId: "r1",
  parentId: null,
  tags: ["nightly", "gpu"],
  createdAt: null,
};
const none = { name: "", state: "", tag: "" };

test("the runs filter matches part of the pipeline name in any case, the states, and a tag", () => {
  assert.equal(matchesFilter(run, none), true);
  assert.equal(matchesFilter(run, { ...none, name: "TRAIN" }), true);
  assert.equal(matchesFilter(run, { ...none, name: "eval" }), false);
  assert.equal(matchesFilter(run, { ...none, state: "resolved" }), true);
  assert.equal(matchesFilter(run, { ...none, state: "failed" }), false);
  assert.equal(matchesFilter(run, { ...none, state: "failed,resolved" }), true);
  assert.equal(matchesFilter(run, { ...none, tag: "#gpu" }), true);
  assert.equal(matchesFilter(run, { ...none, tag: "cpu" }), false);
});

test("the filter goes to the server as nameContains, a comma list of states and a tag, roots only", () => {
  assert.deepEqual(runQueryOf(none), { rootsOnly: true });
  assert.deepEqual(runQueryOf({ name: "  train ", state: "failed,nested-failed", tag: " #gpu" }), {
    rootsOnly: true,
    nameContains: "train",
    states: ["failed", "nested-failed"],
    tag: "gpu",
  });
  assert.equal(isFiltering({ ...none, name: "  " }), false);
  assert.equal(isFiltering({ ...none, tag: "#x" }), true);
});

test("the place filter goes to the server as mode and executor, and narrows the runs shown by them", () => {
  assert.deepEqual(runQueryOf({ ...none, where: "cloud:slurm" }), {
    rootsOnly: true,
    mode: "cloud",
    executor: "slurm",
  });
  assert.deepEqual(runQueryOf({ ...none, where: "local" }), { rootsOnly: true, mode: "local" });
  const cloud: IRunSummary = { ...run, mode: "cloud", executor: "slurm" };
  assert.equal(matchesFilter(cloud, { ...none, where: "cloud" }), true);
  assert.equal(matchesFilter(cloud, { ...none, where: "cloud:slurm" }), true);
  assert.equal(matchesFilter(cloud, { ...none, where: "cloud:local" }), false);
  assert.equal(matchesFilter({ ...run, mode: "local" }, { ...none, where: "cloud" }), false);
  assert.equal(isFiltering({ ...none, where: "cloud" }), true);
});

/** A lineage client that records each call and answers when the test says. */
class FakeClient implements RunListModel.IClient {
  readonly serverUrl = "http://127.0.0.1:1";
  readonly calls: Array<{ query: LineageClient.IRunQuery; signal?: AbortSignal }> = [];
  private readonly _pending: Array<{
    resolve: (page: IRunPage) => void;
    reject: (error: unknown) => void;
  }> = [];

  listRunPage(query: LineageClient.IRunQuery = {}, signal?: AbortSignal): Promise<IRunPage> {
    this.calls.push({ query, ...(signal ? { signal } : {}) });
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject };
      this._pending.push(entry);
      signal?.addEventListener("abort", () => {
        this._pending.splice(this._pending.indexOf(entry), 1);
        reject(new DOMException("aborted", "AbortError"));
      });
    });
  }

  /** Answers the oldest unanswered call. */
  answer(runs: IRunSummary[], nextCursor: string | null = null): void {
    this._pending.shift()!.resolve({ runs, nextCursor });
  }

  /** Waits for the n-th call (1-based). */
  async called(n: number, timeoutMs = 2000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.calls.length < n) {
      if (Date.now() > end) {
        throw new Error(`expected ${n} calls, saw ${this.calls.length}`);
      }
      await new Promise((done) => setTimeout(done, 2));
    }
  }
}

const named = (id: string, name: string, state = "resolved"): IRunSummary => ({
  ...run,
  id,
  rootId: id,
  name,
  state,
  tags: [],
});
const settle = (ms = 20): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Resolves once the model's status is `status` (at once if it is already). */
function statusBecomes(model: RunListModel, status: RunListModel["status"]): Promise<void> {
  return new Promise((done) => {
    const check = (): void => {
      if (model.status === status) {
        model.changed.disconnect(check);
        done();
      }
    };
    model.changed.connect(check);
    check();
  });
}

describe("RunListModel", () => {
  let model: RunListModel | null = null;
  afterEach(() => model?.dispose());

  const start = (options: Partial<RunListModel.IOptions> = {}): FakeClient => {
    const client = new FakeClient();
    model = new RunListModel({
      client,
      standby: "never",
      intervalMs: 60_000,
      debounceMs: 30,
      ...options,
    });
    return client;
  };

  it("shares its selection: a run selected elsewhere is shown, and the selected run's state is kept current", async () => {
    const selection = new RunSelection();
    const client = start({ selection });
    await client.called(1);
    let changes = 0;
    model!.changed.connect(() => changes++);
    selection.select("b"); // a command opening run b
    assert.equal(model!.selectedId, "b");
    assert.equal(changes, 1, "the list redraws its selection");
    client.answer([named("a", "etl"), named("b", "train", "running")]);
    await settle();
    assert.equal(selection.run?.state, "running", "what the list read about the selected run");
    void model!.refresh();
    await client.called(2);
    client.answer([named("a", "etl"), named("b", "train", "resolved")]);
    await settle();
    assert.equal(selection.run?.state, "resolved");
    model!.select("a");
    assert.equal(selection.rootId, "a");
    assert.equal(selection.run?.name, "etl");
  });

  it("asks the server for the first page of root runs and shows them", async () => {
    const client = start({ pageSize: 25 });
    await client.called(1);
    assert.deepEqual(client.calls[0]!.query, { rootsOnly: true, limit: 25, cursor: null });
    const page = Array.from({ length: 25 }, (_, i) => named(i ? `a${i}` : "a", "etl"));
    client.answer(page, "next");
    await settle();
    assert.equal(model!.status, "ready");
    assert.equal(model!.runs.length, 25);
    assert.equal(model!.runs[0]!.id, "a");
    assert.equal(model!.hasMore, true);
    assert.equal(client.calls.length, 1, "one page asked, one page shown");
  });

  it("narrows the runs shown at once, and sends the filter once typing pauses", async () => {
    const client = start({ debounceMs: 150 });
    await client.called(1);
    client.answer([named("a", "trainA"), named("b", "etl"), named("c", "trainC", "failed")]);
    await settle();
    for (const name of ["t", "tr", "tra", "train"]) {
      model!.setFilter({ name });
      await settle(5);
    }
    // Narrowed among the runs of the last answer, before the server is asked.
    assert.deepEqual(
      model!.runs.map((r) => r.id),
      ["a", "c"],
    );
    assert.equal(client.calls.length, 1);
    await client.called(2);
    await settle(200);
    assert.equal(client.calls.length, 2, "one request for four keystrokes");
    assert.deepEqual(client.calls[1]!.query, {
      rootsOnly: true,
      nameContains: "train",
      limit: 100,
      cursor: null,
    });
    client.answer([named("d", "trainD"), named("a", "trainA")]);
    await settle();
    assert.deepEqual(
      model!.runs.map((r) => r.id),
      ["d", "a"],
    );
  });

  it("drops the answer to an older filter, and aborts its request", async () => {
    const client = start();
    await client.called(1);
    client.answer([named("a", "trainA"), named("b", "etl")]);
    await settle();
    model!.setFilter({ state: "failed,nested-failed" });
    await client.called(2);
    model!.setFilter({ state: "running" });
    await client.called(3);
    assert.equal(client.calls[1]!.signal?.aborted, true);
    assert.deepEqual(client.calls[2]!.query.states, ["running"]);
    client.answer([named("r", "live", "running")]);
    await settle();
    assert.deepEqual(
      model!.runs.map((r) => r.id),
      ["r"],
    );
    assert.equal(model!.status, "ready");
  });

  it("keeps polling the server with the current filter", async () => {
    const client = start({ intervalMs: 40, debounceMs: 1 });
    await client.called(1);
    model!.setFilter({ tag: "#nightly" });
    await client.called(2);
    client.answer([]);
    await client.called(3);
    assert.deepEqual(client.calls[2]!.query, {
      rootsOnly: true,
      tag: "nightly",
      limit: 100,
      cursor: null,
    });
  });

  it("loads older runs page by page with the server's cursor, and keeps them on refresh", async () => {
    const client = start({ pageSize: 2 });
    await client.called(1);
    client.answer([named("a", "p"), named("b", "p")], "c1");
    await settle();
    const more = model!.loadMore();
    await client.called(2);
    // The refresh asks for both pages: the first request, then the cursor of its answer.
    assert.deepEqual(client.calls[1]!.query, { rootsOnly: true, limit: 4, cursor: null });
    client.answer([named("a", "p"), named("b", "p"), named("c", "p")], null);
    await more;
    assert.deepEqual(
      model!.runs.map((r) => r.id),
      ["a", "b", "c"],
    );
    assert.equal(model!.hasMore, false);
  });

  it("follows the cursor while the server's limit is below the runs wanted", async () => {
    const client = start({ pageSize: 3 });
    await client.called(1);
    client.answer([named("a", "p")], "c1"); // a server that pages by one
    await client.called(2);
    assert.deepEqual(client.calls[1]!.query, { rootsOnly: true, limit: 2, cursor: "c1" });
    client.answer([named("b", "p")], "c2");
    await client.called(3);
    client.answer([named("c", "p")], "c3");
    await settle();
    assert.deepEqual(
      model!.runs.map((r) => r.id),
      ["a", "b", "c"],
    );
    assert.equal(model!.hasMore, true);
  });

  it("makes no request after dispose, and aborts the one on its way", async () => {
    const client = start();
    await client.called(1);
    client.answer([]);
    await settle();
    model!.setFilter({ name: "x" });
    model!.dispose();
    await settle(80);
    assert.equal(client.calls.length, 1, "the debounced filter was not sent");
    const second = start();
    await second.called(1);
    model!.dispose();
    assert.equal(second.calls[0]!.signal?.aborted, true);
  });

  it("leaves no timer behind once disposed", async () => {
    const timers = (): number =>
      process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const before = timers();
    const client = start();
    await client.called(1);
    client.answer([named("a", "p")]);
    await settle();
    model!.dispose();
    await settle();
    assert.equal(timers(), before, "the next poll's timer is cleared");
  });

  it("shows the server's actionable error and keeps the runs it had", async () => {
    const client = new FakeClient();
    const failing: RunListModel.IClient = {
      serverUrl: client.serverUrl,
      listRunPage: () => Promise.reject(new Error("boom")),
    };
    model = new RunListModel({ client: failing, standby: "never", intervalMs: 60_000 });
    // Awaited by its signal, not a fixed wait: the first poll runs from setImmediate, and a
    // loaded machine that pauses this process past a 20 ms timer ran the timer first.
    await statusBecomes(model, "error");
    assert.equal(model.status, "error");
    assert.match(model.error, /boom/);
  });
});
