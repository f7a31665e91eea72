/** Loading what a route's path names, with the 404/400 a client can act on. */
import type { RootView, RunView } from "../model/api";
import { ApiError } from "../http/errors";
import type { Db } from "../storage/db";
import { getRoot } from "../storage/roots";
import { getRun } from "../storage/runs";

export function unknownRun(runId: string): ApiError {
  return ApiError.notFound(
    "unknown_run",
    `no run ${runId} on this server: list runs with \`tsematic runs\` or GET /api/v1/runs`,
  );
}

export function requireRun(db: Db, runId: string): RunView {
  const run = getRun(db, runId);
  if (!run) throw unknownRun(runId);
  return run;
}

/** The root run named by `rootId`; a step's id is refused with its root's id in the message. */
export function requireRoot(db: Db, rootId: string): RootView {
  const run = requireRun(db, rootId);
  const root = run.id === run.rootId ? getRoot(db, rootId) : undefined;
  if (!root) {
    throw ApiError.badRequest(
      "not_a_root",
      `run ${rootId} (${run.stepName}) is a step of root run ${run.rootId}: use the root run's id`,
    );
  }
  return root;
}
