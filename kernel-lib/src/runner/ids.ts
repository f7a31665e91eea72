/**
 * Run ids: 32 lowercase hex characters, like Sematic's. A random 80-bit prefix per process and a
 * counter: unique across processes and machines without paying for 16 random bytes per run.
 */
import { createHash, randomBytes } from "node:crypto";
import { hashText } from "../hash";

const prefix = randomBytes(10).toString("hex");
let counter = 0;

export function newRunId(): string {
  counter++;
  return prefix + counter.toString(16).padStart(12, "0");
}

/**
 * A child's durable id (contract "Durable ids"): the same parent, call index in the parent's attempt,
 * step and concrete arguments give the same id in every attempt of a driver or worker, so a restarted
 * resolver finds the runs an earlier attempt made. A future argument stands as `f<index>`. A
 * retried parent's later attempt passes `<parentId>.<attempt>` as `parentId` (resolution.ts), so its
 * children are new runs rather than replays of the first attempt's.
 *
 * @example
 * ```ts
 * durableRunId(rootId, 0, "train", ["<artifact id>", "f1"]); // 32 hex, the same every time
 * ```
 */
export function durableRunId(
  parentId: string,
  callIndex: number,
  stepName: string,
  argumentIds: readonly string[],
): string {
  return hashText(`${parentId}/${callIndex}/${stepName}/${argumentIds.join(",")}`).slice(0, 32);
}

/**
 * The id of the `n`th later root (n ≥ 1) of a submitted program (`tsematic submit`): its first
 * root takes the submitted root id, each later one this id, derived so that the server lets the
 * program's worker token write it (server `auth/worker-scope.ts` derives the same ids) and a
 * requeued driver finds it again.
 *
 * @example
 * ```ts
 * submissionRootId(job.rootId, 1); // the program's second root
 * ```
 */
export function submissionRootId(submittedRootId: string, n: number): string {
  return createHash("sha256").update(`${submittedRootId}/root/${n}`).digest("hex").slice(0, 32);
}
