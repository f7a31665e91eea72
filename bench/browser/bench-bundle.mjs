// The run view bundle the graph benchmarks open (not a benchmark itself): a root run with N steps
// in one of two shapes, written as kernel-lib writes it. Without a kernel-lib: every run and
// edge, as kernel-lib wrote bundles before issue 11; with one (its lib/ folder) that has
// notebook/bounds.js, bounded as that kernel-lib bounds them (folds counted, at most 500 runs).
//
//   const bundle = await benchBundle(10_000, "fanout", "kernel-lib/lib");
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The issue 11 sweep: load, n - 2 calls of leaf (most resolved, some running, a few failed), summarize. */
function fanOutRuns(rootId, n) {
  const runs = [{ id: "load", name: "load", state: "resolved", parentId: rootId }];
  const edges = [];
  const flow = (from, to, parameter) => ({ from, to, kind: "future", parameter, path: parameter });
  const leaves = Math.max(1, n - 2);
  for (let i = 0; i < leaves; i++) {
    const state = i % 1000 === 999 ? "failed" : i % 100 === 7 ? "running" : "resolved";
    runs.push({ id: `s${i}`, name: "leaf", state, parentId: rootId });
    edges.push(flow("load", `s${i}`, "data"), flow(`s${i}`, "summarize", `xs[${i}]`));
  }
  runs.push({ id: "summarize", name: "summarize", state: "created", parentId: rootId });
  return { runs, edges };
}

/** The runs under the root and their edges, in the chosen shape. */
function shapeRuns(rootId, n, shape) {
  if (shape === "fanout") {
    return fanOutRuns(rootId, n);
  }
  const runs = [];
  const edges = [];
  const chains = Math.max(1, Math.round(n / 10));
  for (let i = 0; i < n; i++) {
    const chain = i % chains;
    const depth = Math.floor(i / chains);
    const state = depth < 4 ? "resolved" : depth === 4 ? "running" : "created";
    runs.push({ id: `s${i}`, name: `step_${chain}_${depth}`, state, parentId: rootId });
    if (depth > 0)
      edges.push({
        from: `s${i - chains}`,
        to: `s${i}`,
        kind: "future",
        artifactId: `a${i}`,
        parameter: "x",
        path: "x",
      });
  }
  return { runs, edges };
}

/**
 * The bundle of a root run with `n` steps in `shape` ("fanout" or "chains"), bounded by the
 * kernel-lib in `kernelLib` (a lib/ folder) when it bounds bundles, else holding every run.
 */
export async function benchBundle(n, shape, kernelLib = null) {
  const rootId = "bench-root";
  const { runs, edges } = shapeRuns(rootId, n, shape);
  const full = {
    version: 1,
    rootId,
    stepName: "benchPipeline",
    mode: "local",
    serverUrl: "http://127.0.0.1:59999",
    state: "running",
    final: false,
    updatedAt: Date.now(),
    progress: { total: n + 1, done: 0, running: 0, failed: 0, cached: 0 },
    runs: [{ id: rootId, name: "benchPipeline", state: "running", parentId: null }, ...runs],
    edges,
  };
  const bounds = kernelLib === null ? null : join(resolve(kernelLib), "notebook", "bounds.js");
  if (bounds === null || !existsSync(bounds)) return full;
  const { boundRunView } = await import(pathToFileURL(bounds).href);
  return boundRunView(full);
}
