/**
 * The ambient "current run": inside a step's body, futures that are created and awaited become that
 * run's children. Kept in one process-wide AsyncLocalStorage ({@link processGlobal}), so notebook
 * cells that re-import the library still see the run started by an earlier copy.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { TsematicError } from "./errors";
import { processGlobal } from "./process-global";
import type { RunScope } from "./runner/scope";

let storage: AsyncLocalStorage<RunScope> | undefined;

/** The process-wide storage of the current run scope. */
export function runStorage(): AsyncLocalStorage<RunScope> {
  // Looked up once per copy of the library: the process-wide value never changes once made.
  return (storage ??= processGlobal(
    "tsematic.runContext.v1",
    () => new AsyncLocalStorage<RunScope>(),
  ));
}

/** The scope of the step whose body is running now, if any. */
export function currentScope(): RunScope | undefined {
  return runStorage().getStore();
}

/** What a step's body can know about its own run. */
export interface RunContext {
  runId: string;
  rootId: string;
  stepName: string;
  /** 1 on the first try, 2 on the first retry, ... */
  attempt: number;
  /** Aborted when the run is canceled or times out: pass it to fetch, timers, child processes. */
  signal: AbortSignal;
}

/**
 * The current run, from inside a step's body.
 *
 * @example
 * ```ts
 * const slow = func(async function slow() {
 *   const { signal, runId } = runContext();
 *   await setTimeout(60_000, undefined, { signal }); // stops early when the run is canceled
 *   return runId;
 * });
 * ```
 */
export function runContext(): RunContext {
  const scope = currentScope();
  if (!scope) {
    throw new TsematicError(
      "runContext() was called outside a step: call it inside a function wrapped with func()",
    );
  }
  const node = scope.node;
  return {
    runId: node.id,
    rootId: node.resolution.rootId,
    stepName: node.stepName,
    attempt: node.attempt,
    signal: node.signal(),
  };
}
