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
