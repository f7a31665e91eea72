/**
 * A second pipeline that reuses the first one's work, for lineage tests: its `train` step is a cache
 * hit of {@link pipelineFixture}'s `train0`, and its `report` step takes the hit's output (a future)
 * and the first pipeline's `load` output (a run of another root).
 */
import { EventRecorder, type Fixture, fixtureId, jsonArtifact } from "./fixture";

export interface ReuseFixture {
  rootId: string;
  hit: string;
  report: string;
  events: Fixture["events"];
}

export function reuseFixture(first: Fixture, seed = "reuse"): ReuseFixture {
  const rootId = fixtureId(seed, "root");
  const hit = fixtureId(seed, "train-hit");
  const report = fixtureId(seed, "report");
  const rec = new EventRecorder(rootId, 1_800_000_000_000);
  rec.created({
    id: rootId,
    parentId: null,
    stepName: "again",
    sourceText: "async function again() { /* ... */ }",
    parameters: [],
    mode: "local",
    environment: { nodeVersion: "v20.20.0", platform: "linux", notebookPath: "again.ipynb" },
  });
  rec.state(rootId, "running");
  rec.created({
    id: hit,
    parentId: rootId,
    stepName: "train",
    sourceText: "function train(data, lr) { /* ... */ }",
    parameters: ["data", "lr"],
    cache: true,
  });
  const model = first.artifacts.find((a) => a.id === first.artifactIds.model0)!;
  rec.edge(hit, "output", "output", model);
  rec.state(hit, "resolved", { cacheKey: "c".repeat(64), originalRunId: first.runs.train0! });
  const table = first.artifacts.find((a) => a.id === first.artifactIds.table)!;
  rec.step(
    report,
    rootId,
    "report",
    [
      ["model", model],
      ["data", table],
    ],
    jsonArtifact("a report"),
    [],
    [
      { from: hit, kind: "future", parameter: "model", path: "model" },
      { from: first.runs.load!, kind: "reference", parameter: "data", path: "data" },
    ],
  );
  rec.state(rootId, "resolved");
  return { rootId, hit, report, events: rec.events };
}
