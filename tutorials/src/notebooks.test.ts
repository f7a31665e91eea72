/**
 * Executes every tutorial notebook with the real tslab kernel. A tutorial asserts its own results in
 * its cells, so a wrong result fails here, not only an exception.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import {
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
});
