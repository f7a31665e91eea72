/**
 * Executes every tutorial notebook with the real tslab kernel. A tutorial asserts its own results in
 * its cells, so a wrong result fails here, not only an exception.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  EXECUTED_DIR,
  TUTORIALS_DIR,
  executeNotebook,
  formatReport,
  startLineageServer,
  tutorialNotebooks,
  type LineageServer,
} from "./harness";

interface ExecutedCell {
  source: string | string[];
  outputs?: Array<{
    output_type: string;
    text?: string | string[];
    data?: Record<string, unknown>;
  }>;
}

function executedCells(file: string): ExecutedCell[] {
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { cells: ExecutedCell[] }).cells;
}

const joined = (text: string | string[] | undefined): string => [text ?? ""].flat().join("");

/** What a tutorial's text says the user sees, checked in its executed outputs. */
const OUTPUT_CHECKS: Record<string, (cells: ExecutedCell[]) => void> = {
  "02-tables-and-plots.ipynb": (cells) => {
    // "The run view above is the run's graph [...] The cell's own value (`blobs`) prints as text:
    // the table's shape and schema, then its first rows."
    const cell = cells.find((c) =>
      joined(c.source).includes("const blobs = await makeBlobs(200, 7);"),
    );
    assert.ok(cell, "tutorial 02 no longer has the blobs cell");
    const outputs = cell.outputs ?? [];
    assert.ok(
      outputs.some((o) => o.data?.["application/vnd.tsematic.run.v1+json"] !== undefined),
      "the cell shows a run view",
    );
    const printed = outputs
      .filter((o) => o.output_type === "stream")
      .map((o) => joined(o.text))
      .join("");
    assert.match(
      printed,
      /^Table: 200 rows × 3 columns \(x1: Float64, x2: Float64, label: Int32\)\n\s*x1\s+x2\s+label\n\s*-?\d/,
    );
  },
  "05-from-notebook-to-cluster.ipynb": (cells) => {
    // "submit() returns at once with the root run's id; the run view below follows the run live
    // from the server": the submit cell shows a cloud run's view, not a finished local one.
    const cell = cells.find((c) => joined(c.source).includes(".submit({ executor: EXECUTOR })"));
    assert.ok(cell, "tutorial 05 no longer has the submit cell");
    const view = (cell.outputs ?? [])
      .map((o) => o.data?.["application/vnd.tsematic.run.v1+json"] as { mode?: string } | undefined)
      .find((v) => v !== undefined);
    assert.equal(view?.mode, "cloud", "the submit cell shows the cloud run's view");
  },
};

describe("tutorial notebooks", { concurrency: 2 }, () => {
  const notebooks = tutorialNotebooks();
  // One lineage server for the tutorials' tracked runs, in a temporary data directory.
  let server: LineageServer;
  before(async () => {
    server = await startLineageServer();
  });
  after(async () => {
    await server?.stop();
  });
  test("there are tutorials to run", () => {
    assert.ok(notebooks.length > 0, "no tutorials/NN-*.ipynb found");
  });
  for (const notebook of notebooks) {
    test(`${path.basename(notebook)} runs and its assertions hold`, async () => {
      const report = await executeNotebook(notebook, { tsematicHome: server.home });
      assert.ok(report.ok, formatReport(report));
      OUTPUT_CHECKS[path.basename(notebook)]?.(executedCells(report.executed!));
    });
  }

  test("03-caching-and-reruns.ipynb runs correctly twice in a row in one kernel (Run All, then Run All again)", async () => {
    // The cache lives in the kernel's memory, so a second Run All starts with everything cached: the
    // tutorial must say so and assert what the user then sees, not fail.
    const source = path.join(TUTORIALS_DIR, "03-caching-and-reruns.ipynb");
    const notebook = JSON.parse(fs.readFileSync(source, "utf8")) as {
      cells: Array<{ id?: string }>;
    };
    const again = notebook.cells.map((cell, i) => ({ ...cell, id: `again-${i}` }));
    notebook.cells = [...notebook.cells, ...again];
    const twice = path.join(EXECUTED_DIR, "fixtures", "03-run-all-twice.ipynb");
    fs.mkdirSync(path.dirname(twice), { recursive: true });
    fs.writeFileSync(twice, JSON.stringify(notebook));
    const report = await executeNotebook(twice, { tsematicHome: server.home });
    assert.ok(report.ok, formatReport(report));
  });

  test("breaking an assertion inside a tutorial makes it fail at that cell", async () => {
    const source = path.join(TUTORIALS_DIR, "01-first-pipeline.ipynb");
    const notebook = JSON.parse(fs.readFileSync(source, "utf8")) as {
      cells: Array<{ source: string | string[] }>;
    };
    const target = 'assert.equal(report, "big total: 30");';
    const index = notebook.cells.findIndex((c) => [c.source].flat().join("").includes(target));
    assert.ok(index >= 0, `tutorial 01 no longer contains ${target}`);
    const cell = notebook.cells[index]!;
    cell.source = [cell.source].flat().join("").replace(target, target.replace("30", "31"));
    const broken = path.join(EXECUTED_DIR, "fixtures", "01-broken-assertion.ipynb");
    fs.mkdirSync(path.dirname(broken), { recursive: true });
    fs.writeFileSync(broken, JSON.stringify(notebook));
    const report = await executeNotebook(broken, { tsematicHome: server.home });
    assert.equal(report.ok, false);
    assert.equal(report.failures[0]?.index, index, formatReport(report));
    assert.match(report.failures[0]!.stderr, /AssertionError[\s\S]*big total: 31/);
  });
});
