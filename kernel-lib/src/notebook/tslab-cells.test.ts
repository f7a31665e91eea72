/**
 * Stack frames of notebook cells point at the cell and the line the user wrote: cells compiled by
 * tslab's real converter (its TypeScript fork, as in a kernel) and run the way tslab's executor runs
 * them, through a stand-in for tslab's Jupyter handler class.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as vmModule from "node:vm";
import { StepFailedError } from "../errors";
import { func } from "../step";
import { stepFailureText } from "./inspect";
import { trimStack } from "./stack";
import { installCellTracking } from "./tslab-cells";

interface Converter {
  convert(
    prevDecl: string,
    src: string,
  ): { output?: string; declOutput?: string; hasToplevelAwait?: boolean; diagnostics: unknown[] };
  close(): void;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createConverter } = require("tslab/dist/converter") as {
  createConverter(): Converter;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vm = require("node:vm") as typeof vmModule;

/** What tslab's `JupyterHandlerImpl` and executor do with a cell (tslab 1.0.22's dist). */
class FakeTslabHandler {
  execCount = 0;
  private prevDecl = "";
  private readonly exports: Record<string, unknown> = {};
  constructor(private readonly converter: Converter) {}

  async handleExecuteImpl(req: { code: string }): Promise<void> {
    ++this.execCount;
    const converted = this.converter.convert(this.prevDecl, req.code);
    assert.deepEqual(converted.diagnostics, [], "the cell compiles");
    const prefix = converted.hasToplevelAwait
      ? "(async function(exports, require) { "
      : "(function(exports, require) { ";
    const wrapped = prefix + converted.output! + "\n})(__tslab__.exports, __tslab__.require)";
    (globalThis as Record<string, unknown>).__tslab__ = { exports: this.exports, require };
    try {
      await vm.runInThisContext(wrapped, { breakOnSigint: true });
    } finally {
      this.prevDecl = converted.declOutput ?? "";
    }
  }
}

let converter: Converter;
let handler: FakeTslabHandler;
let uninstall: () => void;
before(() => {
  converter = createConverter();
  handler = new FakeTslabHandler(converter);
  uninstall = installCellTracking({ JupyterHandlerImpl: FakeTslabHandler });
});
after(() => {
  uninstall();
  converter.close();
  delete (globalThis as Record<string, unknown>).__tslab__;
});

async function failure(code: string): Promise<Error> {
  const error = await handler.handleExecuteImpl({ code }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof Error, "the cell throws");
  return error;
}

test("a throw on a cell's line 6 is reported at that cell and line, with no internal frame", async () => {
  await handler.handleExecuteImpl({ code: "const warmUp: number = 1;" });
  const cell = [
    "interface Config {", // 1
    "  rate: number;",
    "}",
    "function check(config: Config): number {",
    "  const rate: number = config.rate;",
    '  if (rate > 1) throw new Error("diverged");', // 6
    "  return rate;",
    "}",
    "check({ rate: 2 });",
  ].join("\n");
  const error = await failure(cell);
  const stack = trimStack(error.stack);
  assert.equal(
    stack.split("\n").slice(0, 3).join("\n"),
    [
      "Error: diverged",
      "    at check (cell [2]:6:23)",
      // The top-level call (tslab runs a cell as an anonymous function).
      "    at cell [2]:9:1",
    ].join("\n"),
    stack,
  );
  assert.doesNotMatch(stack, /node:|evalmachine|node_modules/);
});

test("a failed step defined in one cell and run from another points at its own cell's line", async () => {
  (globalThis as Record<string, unknown>).tsematicFunc = func;
  await handler.handleExecuteImpl({
    code: [
      "const func = (globalThis as any).tsematicFunc;",
      "type Rows = { id: number }[];",
      "",
      "const load = func(async function load(rows: Rows): Promise<number> {",
      "  const n: number = rows.length;",
      '  if (n === 0) throw new RangeError("no rows");', // 6
      "  return n;",
      "});",
    ].join("\n"),
  });
  const error = await failure("await load([]).resolve({ tracking: false });");
  assert.ok(error instanceof StepFailedError);
  const text = stepFailureText(error);
  assert.match(text, /^StepFailedError: step "load" failed \(load\): RangeError: no rows\n/);
  const frames = text.split("\n").filter((l) => l.startsWith("    at "));
  assert.equal(frames[0], "    at load (cell [3]:6:22)", text);
  assert.ok(frames.length <= 2, `only the cells' frames:\n${text}`);
  delete (globalThis as Record<string, unknown>).tsematicFunc;
});

test("a step defined in a cell records the TypeScript it was written as, types kept, and the cell's count", async () => {
  (globalThis as Record<string, unknown>).tsematicFunc = func;
  await handler.handleExecuteImpl({
    code: [
      "const func = (globalThis as any).tsematicFunc;",
      "interface Point { x: number }",
      "const scale = func(function scale(p: Point, k: number): number {",
      "  return p.x * k;",
      "});",
      'const offset = func({ name: "offset" }, (p: Point): number => p.x + 1);',
      "(globalThis as any).tsematicSteps = { scale, offset };",
    ].join("\n"),
  });
  const count = handler.execCount;
  const steps = (globalThis as Record<string, unknown>).tsematicSteps as Record<
    string,
    { spec: { sourceText: string; sourceTypeScript?: string; sourceCell?: number } }
  >;
  const scale = steps.scale!.spec;
  assert.equal(
    scale.sourceTypeScript,
    "function scale(p: Point, k: number): number {\n  return p.x * k;\n}",
  );
  assert.equal(scale.sourceCell, count);
  assert.doesNotMatch(scale.sourceText, /: number/, "sourceText stays the compiled JavaScript");
  // An arrow function with no name of its own is found where it starts.
  assert.equal(steps.offset!.spec.sourceTypeScript, "(p: Point): number => p.x + 1");
  assert.equal(steps.offset!.spec.sourceCell, count);
  delete (globalThis as Record<string, unknown>).tsematicFunc;
  delete (globalThis as Record<string, unknown>).tsematicSteps;
});

test("a step of a script (no notebook cell) records no TypeScript", () => {
  const step = func(function plain(a: number) {
    return a;
  });
  assert.equal(step.spec.sourceTypeScript, undefined);
  assert.equal(step.spec.sourceCell, undefined);
});
