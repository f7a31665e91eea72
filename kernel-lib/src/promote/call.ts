/**
 * The pipeline call a notebook cell awaits, found with TypeScript's compiler API: the call that
 * "Run Pipeline on Cluster…" submits instead of running in the kernel.
 */
import type * as TS from "typescript";
import { loadTool } from "../package/errors";

/** A cell's awaited pipeline call: `await pipeline(1000, [0.1, 0.01])` (or `.resolve()`/`.run()` of it). */
export interface AwaitedCall {
  /** The callee as written (`pipeline`, `steps.pipeline`). */
  callee: string;
  /** Each argument's expression as written; the kernel evaluates them at submission. */
  arguments: string[];
  /** The call without `await` or `.resolve(...)`: what is submitted (`pipeline(1000, [0.1, 0.01])`). */
  expression: string;
  /** 1-based line of the call in the cell. */
  line: number;
}

/** Methods of a future whose awaiting runs the future: the pipeline call is their receiver. */
const RUNNING_METHODS = new Set(["resolve", "run", "submit"]);

/**
 * Finds the last top-level `await <step call>` of a cell, or explains why there is none.
 *
 * @example
 * ```ts
 * await awaitedCall("const best = await pipeline(rows, 0.1).resolve();");
 * // { callee: "pipeline", arguments: ["rows", "0.1"], expression: "pipeline(rows, 0.1)", line: 1 }
 * ```
 */
export async function awaitedCall(source: string): Promise<AwaitedCall | string> {
  const ts = await loadTool<typeof TS>("typescript", () => import("typescript"));
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true);
  let found: AwaitedCall | null = null;
  const visit = (node: TS.Node): void => {
    // Awaits inside functions run when the function is called, not when the cell runs.
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isAwaitExpression(node)) {
      const call = pipelineCall(ts, node.expression);
      if (call) {
        found = {
          callee: call.expression.getText(file),
          arguments: call.arguments.map((a) => a.getText(file)),
          expression: call.getText(file),
          line: file.getLineAndCharacterOfPosition(call.getStart(file)).line + 1,
        };
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return (
    found ??
    "this cell awaits no pipeline call: select the cell that runs it, e.g. `await pipeline(...)`"
  );
}

/** The step call of `pipeline(...)`, `pipeline(...).resolve(...)` or `(pipeline(...))`. */
function pipelineCall(ts: typeof TS, expr: TS.Expression): TS.CallExpression | null {
  let node = expr;
  while (ts.isParenthesizedExpression(node)) node = node.expression;
  if (!ts.isCallExpression(node)) return null;
  const callee = node.expression;
  if (ts.isPropertyAccessExpression(callee) && RUNNING_METHODS.has(callee.name.text)) {
    const receiver = pipelineCall(ts, callee.expression);
    if (receiver) return receiver;
  }
  const plain =
    ts.isIdentifier(callee) ||
    (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression));
  return plain ? node : null;
}
