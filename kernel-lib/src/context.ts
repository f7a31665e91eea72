/**
 * The ambient "current run": inside a step's body, futures that are created and awaited become that
 * run's children. Kept in one AsyncLocalStorage on `globalThis` under a `Symbol.for` key, so notebook
 * cells that re-import the library still see the run started by an earlier copy.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { TsematicError } from "./errors";
import type { RunScope } from "./runner/scope";

const STORAGE_KEY = Symbol.for("tsematic.runContext.v1");

/** The process-wide storage of the current run scope. */
export function runStorage(): AsyncLocalStorage<RunScope> {
  const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<RunScope> | undefined>;
  let storage = g[STORAGE_KEY];
  if (!storage) {
    storage = new AsyncLocalStorage<RunScope>();
    g[STORAGE_KEY] = storage;
  }
  return storage;
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
