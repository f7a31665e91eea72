/**
 * The roots a worker token may write: its job's root, and for a `program` job (`tsematic submit`)
 * the program's later roots. A program's first root takes the submitted root id; each later root
 * `n` (from 1) takes the id kernel-lib derives (`submissionRootId` in kernel-lib's runner/ids.ts):
 * the first 32 hex of sha256(`<submitted root id>/root/<n>`). They are roots of the same
 * submission, written by the same driver with the same token; their ids are checked by deriving
 * them here (up to {@link MAX_LATER_ROOTS}), so no table records them.
 */
import { createHash } from "node:crypto";
import type { ServerContext } from "../context";

/** Later roots a program may have (a program awaiting more roots runs them silently). */
export const MAX_LATER_ROOTS = 1000;

/**
 * The id of the `n`th later root of the submitted root `rootId`.
 *
 * @example
 * ```ts
 * submissionRootId(rootId, 1); // the program's second root
 * ```
 */
export function submissionRootId(rootId: string, n: number): string {
  return createHash("sha256").update(`${rootId}/root/${n}`).digest("hex").slice(0, 32);
}

// Derived once per submitted root (≈ 1 ms); a few recent roots are kept.
const derived = new Map<string, Set<string>>();

function laterRoots(rootId: string): Set<string> {
  let ids = derived.get(rootId);
  if (!ids) {
    ids = new Set();
    for (let n = 1; n <= MAX_LATER_ROOTS; n++) ids.add(submissionRootId(rootId, n));
    if (derived.size >= 64) derived.delete(derived.keys().next().value!);
    derived.set(rootId, ids);
  }
  return ids;
}

function isProgramJob(ctx: ServerContext, jobId: string): boolean {
  const job = ctx.db
    .prepare<[string], { kind: string }>("SELECT kind FROM jobs WHERE id = ?")
    .get(jobId);
  return job?.kind === "program";
}

/** Whether artifact `artifactId` is on an edge of a later root of a program job's submission. */
export function onLaterRoot(
  ctx: ServerContext,
  scope: { jobId: string; rootId: string },
  artifactId: string,
): boolean {
  if (!isProgramJob(ctx, scope.jobId)) return false;
  const roots = ctx.db
    .prepare<[string], { root_id: string }>(
      `SELECT DISTINCT r.root_id FROM artifacts a JOIN edges e ON e.artifact = a.seq
       JOIN runs r ON r.seq = e.run WHERE a.id = ?`,
    )
    .all(artifactId);
  const later = laterRoots(scope.rootId);
  return roots.some((r) => later.has(r.root_id));
}

/** Whether the worker token of `scope` may write and read root `rootId`. */
export function isRootOfScope(
  ctx: ServerContext,
  scope: { jobId: string; rootId: string },
  rootId: unknown,
): boolean {
  if (rootId === scope.rootId) return true;
  if (typeof rootId !== "string" || !/^[0-9a-f]{32}$/.test(rootId)) return false;
  return isProgramJob(ctx, scope.jobId) && laterRoots(scope.rootId).has(rootId);
}
