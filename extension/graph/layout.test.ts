import assert from "node:assert/strict";
import { test } from "node:test";

import ELK from "elkjs/lib/elk.bundled.js";

import { elkLayout, quickLayout, visibleGraph } from "./layout";
import { type IGraphEdge, type IGraphRun, RunGraphData } from "./model";

/** A root with `chains` chains of `length` data-dependent steps, and one nested group. */
function graph(chains: number, length: number): RunGraphData {
  const runs: IGraphRun[] = [{ id: "root", parentId: null, name: "pipeline", state: "running" }];
  const flows: IGraphEdge[] = [];
  for (let c = 0; c < chains; c++) {
    for (let d = 0; d < length; d++) {
      runs.push({ id: `s${c}_${d}`, parentId: "root", name: `step ${c} ${d}`, state: "resolved" });
      if (d > 0) {
        flows.push({ from: `s${c}_${d - 1}`, to: `s${c}_${d}`, kind: "future" });
      }
    }
  }
  runs.push({ id: "group", parentId: "root", name: "group", state: "running" });
  for (let i = 0; i < 50; i++) {
    runs.push({ id: `g${i}`, parentId: "group", name: `g${i}`, state: "created" });
  }
  return RunGraphData.fromFlows("root", runs, flows);
}

test("a collapsed group hides its runs, and edges to them end at the group", () => {
  const data = RunGraphData.fromFlows(
    "r",
    [
      { id: "r", parentId: null, name: "r", state: "running" },
      { id: "g", parentId: "r", name: "g", state: "running" },
      { id: "inside", parentId: "g", name: "inside", state: "resolved" },
      { id: "after", parentId: "r", name: "after", state: "created" },
    ],
    [
      { from: "inside", to: "after", kind: "future" },
      { from: "inside", to: "g", kind: "awaited" },
    ],
  );
  const open = visibleGraph(data, new Set());
  assert.equal(open.size, 4);
  assert.deepEqual(open.edges, [
    { from: "inside", to: "after", style: "data" },
    { from: "inside", to: "g", style: "awaited" },
  ]);
  const closed = visibleGraph(data, new Set(["g"]));
  assert.equal(closed.size, 3);
  assert.deepEqual(closed.edges, [{ from: "g", to: "after", style: "data" }]);
});

test("flows via the parent are drawn dashed and order the layers; awaited ones do not", async () => {
  const data = RunGraphData.fromFlows(
    "p",
    [
      { id: "p", parentId: null, name: "pipeline", state: "resolved" },
      { id: "sum", parentId: "p", name: "sum", state: "resolved" },
      { id: "report", parentId: "p", name: "bigReport", state: "resolved" },
    ],
    [
      { from: "sum", to: "report", kind: "parent", parameter: "total", path: "total" },
      { from: "sum", to: "p", kind: "awaited" },
    ],
  );
  const view = visibleGraph(data, new Set());
  assert.deepEqual(
    view.edges.map((e) => e.style),
    ["parent", "awaited"],
  );
  for (const layout of [quickLayout(view), await elkLayout(view, new ELK())]) {
    const sum = layout.boxes.get("sum");
    const report = layout.boxes.get("report");
    assert.ok(sum && report);
    assert.ok(report.y > sum.y, `${layout.engine}: the consumer is below its producer`);
  }
});

test("the quick layout places every visible run, children inside their parent, data flowing down", () => {
  const data = graph(100, 10);
  const layout = quickLayout(visibleGraph(data, new Set(["group"])));
  assert.equal(layout.boxes.size, 1 + 1000 + 1);
  const root = layout.boxes.get("root");
  const first = layout.boxes.get("s3_0");
  const second = layout.boxes.get("s3_1");
  assert.ok(root && first && second);
  assert.equal(root.kind, "group");
  assert.equal(layout.boxes.get("group")?.kind, "collapsed");
  assert.ok(first.x >= root.x && first.x + first.width <= root.x + root.width);
  assert.ok(first.y >= root.y && first.y + first.height <= root.y + root.height);
  assert.ok(second.y > first.y, "a consumer is below its producer");
});

// Its speed is measured in bench/, never asserted here: a loaded machine makes any bound flaky.
test("the quick layout places every one of 1,000 runs", () => {
  const data = graph(100, 10);
  const layout = quickLayout(visibleGraph(data, new Set()));
  const boxes = [...layout.boxes.values()];
  assert.ok(boxes.length >= 1_000, `${boxes.length} boxes`);
  assert.ok(boxes.every((b) => Number.isFinite(b.x) && Number.isFinite(b.y) && b.width > 0));
});

test("elkjs lays out the same visible graph, nested boxes inside their parent", async () => {
  const data = graph(3, 3);
  const layout = await elkLayout(visibleGraph(data, new Set()), new ELK());
  assert.equal(layout.engine, "elk");
  assert.equal(layout.boxes.size, data.runs.size);
  const root = layout.boxes.get("root");
  const inner = layout.boxes.get("g7");
  const group = layout.boxes.get("group");
  assert.ok(root && inner && group);
  assert.ok(inner.x >= group.x && inner.y >= group.y);
  assert.ok(group.x >= root.x && group.y >= root.y);
  assert.ok((layout.boxes.get("s0_1")?.y ?? 0) > (layout.boxes.get("s0_0")?.y ?? 0));
});

test("elkjs packs independent chains into a drawing about as wide as tall, each chain laid out alike", async () => {
  // Before, elkjs laid out the whole hierarchy as one problem: 100 chains side by side, one row
  // 34 times as wide as tall (and seconds of worker time per thousand runs).
  const data = graph(100, 10);
  const layout = await elkLayout(visibleGraph(data, new Set(["group"])), new ELK());
  assert.equal(layout.boxes.size, 1 + 1000 + 1);
  assert.ok(layout.width < 3 * layout.height, `${layout.width} × ${layout.height}`);
  const offset = (c: number, d: number): [number, number] => {
    const top = layout.boxes.get(`s${c}_0`);
    const box = layout.boxes.get(`s${c}_${d}`);
    assert.ok(top && box);
    return [box.x - top.x, box.y - top.y];
  };
  for (let d = 1; d < 10; d++) {
    assert.deepEqual(offset(57, d), offset(3, d));
    assert.ok(offset(3, d)[1] > offset(3, d - 1)[1], "a consumer is below its producer");
  }
  const siblings = [...layout.boxes.values()].filter((b) => b.id !== "root");
  const rows = new Map<number, typeof siblings>();
  for (const box of siblings) {
    rows.set(box.y, [...(rows.get(box.y) ?? []), box]);
  }
  for (const row of rows.values()) {
    row.sort((a, b) => a.x - b.x);
    for (let i = 1; i < row.length; i++) {
      const [left, right] = [row[i - 1], row[i]];
      assert.ok(left && right && left.x + left.width <= right.x, "boxes of a row do not overlap");
    }
  }
});
