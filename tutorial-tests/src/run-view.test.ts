/**
 * The run view in a real notebook: `await pipeline(...)` in a tslab cell shows one display with the
 * `application/vnd.tsematic.run.v1+json` bundle and a text/plain progress line, updated in place to
 * its final state; a failing step fails the cell with its name, message and the user's frames only.
 * Tracked runs name their server in the view (a running one, or the embedded one started on demand);
 * silent runs say they are not tracked.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  EXECUTED_DIR,
  emptyTsematicHome,
  executeNotebook,
  formatReport,
  startLineageServer,
  writeNotebook,
  type LineageServer,
} from "./harness";

const FIXTURES = path.join(EXECUTED_DIR, "fixtures");
const MIME = "application/vnd.tsematic.run.v1+json";

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}

function outputsOf(executedPath: string, cellIndex: number): Output[] {
  const nb = JSON.parse(fs.readFileSync(executedPath, "utf8")) as {
    cells: Array<{ outputs?: Output[] }>;
  };
  // The executed copy starts with the harness's guard cell.
  return nb.cells[cellIndex + 1]!.outputs ?? [];
}

const text = (value: unknown) => (Array.isArray(value) ? value.join("") : String(value ?? ""));

const STEPS = `import { func } from "tsematic";
import assert from "node:assert/strict";
const square = func(async function square(x: number) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return x * x;
});
const total = func(function total(xs: number[]) {
  return xs.reduce((a, b) => a + b, 0);
});
const sumOfSquares = func(async function sumOfSquares(n: number) {
  const xs = Array.from({ length: n }, (_, i) => i);
  return total(xs.map((x) => square(x)));
});`;

interface Bundle {
  final: boolean;
  state: string;
  stepName: string;
  mode: string;
  rootId: string;
  serverUrl: string | null;
  progress: { total: number; done: number; failed: number };
  runs: Array<{ name: string; parentId: string | null; state: string }>;
}

function runViews(
  executedPath: string,
  cellIndex: number,
): Array<{ bundle: Bundle; plain: string }> {
  return outputsOf(executedPath, cellIndex)
    .filter((o) => o.output_type === "display_data" && o.data?.[MIME])
    .map((o) => ({ bundle: o.data![MIME] as Bundle, plain: text(o.data!["text/plain"]) }));
}

describe("run view in notebook outputs", { concurrency: 2 }, () => {
  let server: LineageServer;
  before(async () => {
    server = await startLineageServer();
  });
  after(async () => {
    await server?.stop();
  });

  test("await pipeline() shows the run bundle and a progress line, updated in place", async () => {
    const nb = writeNotebook(path.join(FIXTURES, "run-view.ipynb"), [
      STEPS,
      "const result = await sumOfSquares(4);\nassert.equal(result, 14);",
      "await sumOfSquares(3)",
      "await sumOfSquares(2).resolve({ tracking: false })",
    ]);
    const report = await executeNotebook(nb, { tsematicHome: server.home });
    assert.ok(report.ok, formatReport(report));
    const outputs = outputsOf(report.executed!, 1);
    const displays = outputs.filter((o) => o.output_type === "display_data");
    assert.equal(displays.length, 1, "one display, updated in place");
    const bundle = displays[0]!.data![MIME] as Bundle;
    assert.equal(bundle.final, true);
    assert.equal(bundle.state, "resolved");
    assert.equal(bundle.stepName, "sumOfSquares");
    assert.deepEqual(bundle.progress, { total: 6, done: 6, running: 0, failed: 0, cached: 0 });
    assert.equal(bundle.runs.filter((r) => r.name === "square").length, 4);
    const plain = text(displays[0]!.data!["text/plain"]);
    assert.match(
      plain,
      /^tsematic ✔ sumOfSquares: resolved in [\d.]+ s · 6\/6 steps done · 0 failed/,
    );
    assert.match(plain, /output: json · 14/);
    // The last expression's value is still echoed by tslab after the view.
    const echoed = outputsOf(report.executed!, 2).filter((o) => o.output_type === "stream");
    assert.equal(text(echoed[0]?.text).trim(), "5");

    // Tracked by default: the view names the server, which has the run and where it came from.
    assert.equal(bundle.mode, "local");
    assert.equal(bundle.serverUrl, server.url);
    assert.match(plain, new RegExp(`run ${bundle.rootId} · server ${server.url}`));
    const res = await fetch(`${server.url}/api/v1/runs/${bundle.rootId}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.equal(res.status, 200);
    const recorded = (await res.json()) as {
      run: { stepName: string; state: string };
      root: { environment: { notebookPath: string | null } };
    };
    assert.equal(recorded.run.stepName, "sumOfSquares");
    assert.equal(recorded.run.state, "resolved");
    assert.equal(
      recorded.root.environment.notebookPath,
      "tutorials/.executed/fixtures/run-view.ipynb",
    );

    // A silent run says so, and names no server.
    const [silent] = runViews(report.executed!, 3);
    assert.equal(silent?.bundle.mode, "silent");
    assert.equal(silent?.bundle.serverUrl, null);
    assert.match(silent!.plain, /silent run \(not tracked\)/);
  });

  test("with no server running, a tracked run starts the embedded one and names it", async () => {
    const home = emptyTsematicHome();
    try {
      const nb = writeNotebook(path.join(FIXTURES, "run-view-embedded.ipynb"), [
        STEPS,
        "assert.equal(await sumOfSquares(3), 5);",
      ]);
      const report = await executeNotebook(nb, { tsematicHome: home.home });
      assert.ok(report.ok, formatReport(report));
      const [view] = runViews(report.executed!, 1);
      const started = JSON.parse(fs.readFileSync(path.join(home.home, "server.json"), "utf8"));
      assert.equal(view?.bundle.serverUrl, started.url);
      assert.equal(view?.bundle.state, "resolved");
    } finally {
      await home.stop();
    }
  });

  test("a failing step fails the cell with the step's name, its message and user frames only, at the cell and line that threw", async () => {
    const nb = writeNotebook(path.join(FIXTURES, "run-view-failure.ipynb"), [
      STEPS,
      `const checkPositive = func(function checkPositive(x: number) {
  if (x <= 0) throw new RangeError("x must be positive, got " + x);
  return x;
});
const guarded = func(async function guarded(x: number) {
  return checkPositive(await square(x) - 1);
});`,
      "await guarded(0);",
      "const never = 1;",
    ]);
    const report = await executeNotebook(nb, { tsematicHome: server.home });
    assert.equal(report.ok, false);
    const failure = report.failures[0]!;
    assert.equal(failure.index, 2, formatReport(report));
    // The step threw on line 2 of the cell that defines it, the third executed (In [3]: the
    // harness's cell runs first), at the `new` of `new RangeError`.
    assert.match(
      failure.stderr,
      /StepFailedError: step "checkPositive" failed \(guarded > checkPositive\): RangeError: x must be positive, got -1\n\s+at checkPositive \(cell \[3\]:2:21\)/,
    );
    assert.doesNotMatch(
      failure.stderr,
      /node_modules|kernel-lib|node:internal|\[cause\]|evalmachine|tslab-cell/,
    );
    assert.equal(report.cells.find((c) => c.index === 3)?.status, "skipped");
    const display = outputsOf(report.executed!, 2).find((o) => o.output_type === "display_data");
    const plain = text(display?.data?.["text/plain"]);
    assert.match(plain, /^tsematic ✖ guarded: nested-failed .* 1 failed/);
    assert.match(plain, /step "checkPositive" failed \(guarded > checkPositive\): RangeError/);
  });

  test("an Arrow table prints as its shape and first rows", async () => {
    const nb = writeNotebook(path.join(FIXTURES, "table-print.ipynb"), [
      'import "tsematic";\nimport { tableFromArrays } from "apache-arrow";',
      "tableFromArrays({ x: Float64Array.from([1, 2, 3]), y: Int32Array.from([4, 5, 6]) })",
    ]);
    const report = await executeNotebook(nb);
    assert.ok(report.ok, formatReport(report));
    const printed = text(outputsOf(report.executed!, 1)[0]?.text);
    assert.match(printed, /^Table: 3 rows × 2 columns \(x: Float64, y: Int32\)\n x +y\n 1 +4\n/);
  });
});
