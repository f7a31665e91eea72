/**
 * A failure as a run records it ({@link ErrorInfo}): one function for the runner, which records its
 * runs' failures, and for a worker, which reports its job's failure to the server.
 */
import { StepFailedError } from "../errors";
import type { ErrorInfo } from "../events";
import { trimStack } from "../notebook/stack";
import { RemoteStepError } from "./dispatch";

/**
 * The recorded form of `error`. A {@link StepFailedError} names the step whose own code failed (a
 * descendant's, for a nested failure); any other error is placed at `where`. The stack is the one
 * a notebook shows: the user's frames only, a cell's pointed at the cell's line (notebook/stack.ts),
 * so the step panel and `tsematic show` read what the cell printed.
 *
 * @example
 * ```ts
 * errorInfoOf(new TypeError("x is undefined"), { stepName: "load", path: ["pipeline", "load"], runId });
 * // { name: "TypeError", message: "x is undefined", stack: "...", stepName: "load", ... }
 * ```
 */
export function errorInfoOf(
  error: unknown,
  where: { stepName: string; path: readonly string[]; runId: string },
): ErrorInfo {
  if (error instanceof StepFailedError) {
    const cause = asError(error.cause);
    const failure = cause instanceof RemoteStepError ? cause.info.failure : undefined;
    return {
      name: cause.name,
      message: cause.message,
      ...(cause.stack !== undefined ? { stack: trimStack(cause.stack) } : {}),
      stepName: error.stepName,
      path: [...error.path],
      runId: error.runId,
      ...(failure ? { failure } : {}),
    };
  }
  const e = asError(error);
  return {
    name: e.name,
    message: e.message,
    ...(e.stack !== undefined ? { stack: trimStack(e.stack) } : {}),
    stepName: where.stepName,
    path: [...where.path],
    runId: where.runId,
  };
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
