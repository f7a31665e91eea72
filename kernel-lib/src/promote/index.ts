/**
 * Promotion from JupyterLab ("Run Pipeline on Cluster…"): the kernel side. The extension executes
 * generated code in the kernel (`store_history: false`, nothing written into the user's cells)
 * that calls {@link answerPlan} or {@link answerSubmit}; each prints one line, {@link ANSWER_PREFIX}
 * and JSON, that the extension reads from the execution's stream output.
 *
 * Not exported from `tsematic`'s main module: load it as `tsematic/lib/promote` (it loads the
 * packager, TypeScript and esbuild).
 *
 * @example
 * ```ts
 * // What the extension executes for cell 7 of tutorial 05 (`await pipeline(sample, 2)`):
 * await (await import("tsematic/lib/promote")).answerSubmit(request, () => pipeline(sample, 2));
 * // prints: TSEMATIC-PROMOTE {"ok":true,"answer":{"rootId":"r-...","serverUrl":"http://127.0.0.1:8765",...}}
 * ```
 */
import { TsematicError } from "../errors";
import type { Future } from "../future";
import { isFuture } from "../future-values";
import { defaultServerClient } from "../tracking/default-backend";
import { planPromotion, type PromotionPlan } from "./plan";
import {
  notebookFile,
  snapshotOf,
  DEFAULT_PROMOTION_EXECUTOR,
  type PromotionRequest,
} from "./request";

export { awaitedCall, type AwaitedCall } from "./call";
export { planPromotion, problemsOf } from "./plan";
export type { PlannedStep, PromotionPlan, PromotionProblem } from "./plan";
export type { PromotionCell, PromotionRequest } from "./request";

/** The start of the one line each answer prints. */
export const ANSWER_PREFIX = "TSEMATIC-PROMOTE ";

/** A submitted promotion: the detached root run the server now drives. */
export interface PromotionSubmitted {
  rootId: string;
  serverUrl: string;
  executor: string;
  jobId: string;
}

/**
 * Submits the cell's pipeline detached: `call` makes its future (its arguments evaluated in the
 * kernel's scope, as the cell would), packaged from the request's cells.
 */
export async function submitPromotion(
  request: PromotionRequest,
  call: () => unknown,
): Promise<PromotionSubmitted> {
  const cell = request.cellIndex + 1;
  let future: unknown;
  try {
    future = call();
  } catch (error) {
    throw new TsematicError(
      `cell ${cell}: the pipeline's arguments could not be evaluated in the kernel (${(error as Error).message}): ` +
        "run the cells above it first, so that the kernel has the values they define",
      { cause: error },
    );
  }
  if (!isFuture(future)) {
    throw new TsematicError(
      `cell ${cell}: the awaited call does not return a step's future: submit a step defined with func()`,
    );
  }
  const executor = request.executor || DEFAULT_PROMOTION_EXECUTOR;
  const snapshot = snapshotOf(request, notebookFile(request));
  const run = await (future as Future<unknown>).submit({
    executor,
    package: snapshot,
    ...(request.nodeUrl ? { nodeUrl: request.nodeUrl } : {}),
  });
  const client = await defaultServerClient();
  return { rootId: run.rootId, serverUrl: client.url, executor, jobId: run.job.id };
}

/** Prints the plan of `request` as the answer line. */
export async function answerPlan(request: PromotionRequest): Promise<void> {
  await answer(() => planPromotion(request, defaultServerClient));
}

/** Submits, and prints the run (or the error) as the answer line. */
export async function answerSubmit(request: PromotionRequest, call: () => unknown): Promise<void> {
  await answer(() => submitPromotion(request, call));
}

async function answer(work: () => Promise<PromotionPlan | PromotionSubmitted>): Promise<void> {
  let line: unknown;
  try {
    line = { ok: true, answer: await work() };
  } catch (error) {
    line = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  console.log(ANSWER_PREFIX + JSON.stringify(line));
}
