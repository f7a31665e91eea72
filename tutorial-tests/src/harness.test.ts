/**
 * Proves the notebook harness itself: a notebook fails when a cell throws, an assertion fails, a
 * promise rejection goes unhandled, an exception escapes from a timer, or a cell hangs; each failure
 * names the cell, its source and its stderr; and the kernel is shut down whatever happened.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import {
  EXECUTED_DIR,
  executeNotebook,
  formatReport,
  writeNotebook,
  type CellSpec,
} from "./harness";

const FIXTURES = path.join(EXECUTED_DIR, "fixtures");

function fixture(name: string, cells: CellSpec[]): string {
  return writeNotebook(path.join(FIXTURES, `${name}.ipynb`), cells);
}

/** tslab kernels whose working directory is `dir` (a kernel runs in its notebook's folder). */
function tslabKernelsIn(dir: string): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((line) => line.includes("tslab kernel"))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => {
      try {
        return fs.realpathSync(`/proc/${pid}/cwd`) === fs.realpathSync(dir);
      } catch {
        return false; // exited meanwhile
      }
    });
}

describe("notebook harness", { concurrency: 2 }, () => {
  test("a notebook whose cells all succeed passes and is saved with its outputs", async () => {
    const nb = fixture("harness-passes", [
      { markdown: "# A passing notebook" },
      'import assert from "node:assert/strict";',
      "const answer = await Promise.resolve(42);\nconsole.log(`answer=${answer}`);",
      "assert.equal(answer, 42);",
    ]);
    const report = await executeNotebook(nb);
    assert.ok(report.ok, formatReport(report));
    assert.deepEqual(report.failures, []);
    const userCells = report.cells.filter((c) => c.harness === null);
    assert.deepEqual(
      userCells.map((c) => [c.index, c.status]),
      [
        [1, "ok"],
        [2, "ok"],
        [3, "ok"],
      ],
    );
    // The executed copy keeps outputs and shows the injected cells, marked as the harness's.
    const executed = JSON.parse(fs.readFileSync(report.executed!, "utf8"));
    const harnessRoles = executed.cells.map(
      (c: { metadata: { tsematic_harness?: string } }) => c.metadata.tsematic_harness ?? null,
    );
    assert.equal(harnessRoles[0], "guard");
    assert.equal(harnessRoles.at(-1), "check");
    assert.match(JSON.stringify(executed.cells[3].outputs), /answer=42/);
  });

  test("a thrown error fails the notebook at that cell, shows its stderr and skips the rest", async () => {
    const nb = fixture("harness-throws", [
      "const before = 1;",
      'function load() {\n  throw new Error("deliberate failure in load");\n}\nload();',
      "const after = 2;",
    ]);
    const report = await executeNotebook(nb);
    assert.equal(report.ok, false);
    const [failure, ...others] = report.failures;
    assert.equal(others.length, 0, formatReport(report));
    assert.equal(failure?.index, 1);
    assert.equal(failure?.status, "error");
    assert.match(failure!.source, /function load/);
    assert.match(failure!.stderr, /Error: deliberate failure in load/);
    assert.match(failure!.stderr, /at load/);
    assert.equal(report.cells.find((c) => c.index === 2)?.status, "skipped");
    assert.match(formatReport(report), /cell \[1\]: error[\s\S]*deliberate failure in load/);
  });

  test("a failing assertion fails the notebook with the assertion's message", async () => {
    const nb = fixture("harness-assert", [
      'import assert from "node:assert/strict";',
      "const accuracy = 0.5;\nassert.ok(accuracy > 0.9, `accuracy too low: ${accuracy}`);",
    ]);
    const report = await executeNotebook(nb);
    assert.equal(report.ok, false);
    assert.equal(report.failures[0]?.index, 1);
    assert.match(report.failures[0]!.stderr, /AssertionError.*accuracy too low: 0\.5/);
  });

  test("an unhandled rejection fails the notebook, attributed to the cell that left it", async () => {
    const nb = fixture("harness-rejection", [
      "const fine = 1;",
      'async function save() {\n  throw new Error("nobody awaited this");\n}\nsave(); // not awaited',
      "const later = 3;",
    ]);
    const report = await executeNotebook(nb);
    assert.equal(report.ok, false, "an unhandled rejection must fail the notebook");
    const rejection = report.failures.find((f) => f.status === "unhandled-rejection");
    assert.ok(rejection, formatReport(report));
    assert.equal(rejection.index, 1);
    assert.match(rejection.stderr, /nobody awaited this/);
    // The harness's check cell fails too, so the saved notebook shows why it failed.
    assert.ok(report.failures.some((f) => f.harness === "check"));
    assert.equal(report.cells.find((c) => c.index === 2)?.status, "ok");
  });

  test("an uncaught exception from a timer fails the notebook", async () => {
    const nb = fixture("harness-uncaught", [
      'setTimeout(() => {\n  throw new Error("thrown from a timer");\n}, 0);',
      "await new Promise((resolve) => setTimeout(resolve, 50));",
    ]);
    const report = await executeNotebook(nb);
    assert.equal(report.ok, false);
    const uncaught = report.failures.find((f) => f.status === "uncaught-exception");
    assert.ok(uncaught, formatReport(report));
    assert.match(uncaught.stderr, /thrown from a timer/);
  });

  test("a cell that never finishes times out, and its kernel is shut down", async () => {
    // In a folder of its own, so its kernel can be told apart from the other fixtures' kernels.
    const nb = fixture("hangs/harness-hangs", [
      "await new Promise(() => setInterval(() => {}, 1000));",
    ]);
    const report = await executeNotebook(nb, { cellTimeoutSeconds: 3 });
    assert.equal(report.ok, false);
    assert.equal(report.failures[0]?.status, "timeout");
    assert.equal(report.failures[0]?.index, 0);
    assert.match(formatReport(report), /within 3s/);
    // The executor has exited: the busy kernel it started must not be left running.
    assert.deepEqual(tslabKernelsIn(path.dirname(nb)), []);
  });

  test("a notebook stopped by the overall timeout reports the running cell and leaves no kernel", async () => {
    const nb = fixture("stopped/harness-stopped", [
      "const ready = 1;",
      "await new Promise(() => setInterval(() => {}, 1000));",
    ]);
    const report = await executeNotebook(nb, { cellTimeoutSeconds: 120, totalTimeoutMs: 15_000 });
    assert.equal(report.ok, false);
    assert.equal(report.failures[0]?.status, "terminated", formatReport(report));
    assert.equal(report.failures[0]?.index, 1);
    assert.deepEqual(tslabKernelsIn(path.dirname(nb)), []);
  });
});
