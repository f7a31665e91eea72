/**
 * A root run's client protocol: heartbeat (which carries cancel requests) and cancel. A heartbeat
 * naming a run and its attempt (`?attempt=N`) renews that run's lease: what a worker executing one
 * dispatched run sends. Cancel also stops the root's jobs (their worker processes) and ends its
 * open runs canceled.
 */
import { Router } from "express";
import type { ServerContext } from "../context";
import { ApiError } from "../http/errors";
import { checkRunId } from "../http/ids";
import { query } from "../http/query";
import { renewLease } from "../storage/leases";
import { abandonRoot, getRoot, recordHeartbeat, requestCancel } from "../storage/roots";
import { getRun } from "../storage/runs";
import { requireRoot, requireRun } from "./lookups";

export function controlRoutes(ctx: ServerContext): Router {
  const router = Router();
  const { db } = ctx;

  router.post("/runs/:runId/heartbeat", (req, res) => {
    const attempt = query(req, ["attempt"]).integer("attempt", 1, 999_999_999);
    const runId = checkRunId(req.params.runId);
    if (attempt === undefined) {
      const root = requireRoot(db, runId);
      const now = recordHeartbeat(db, root.rootId, ctx.now()) ?? root;
      res.json({ cancelRequested: now.cancelRequested, status: now.status });
      return;
    }
    const pending = getRun(db, runId) ? undefined : ctx.scheduler.driverLease(runId, attempt);
    if (pending) {
      // A driver job whose root run its program has not created yet: its job speaks for it.
      res.json({ cancelRequested: false, status: "active", lease: pending });
      return;
    }
    const run = requireRun(db, runId);
    const lease = renewLease(db, run.id, attempt, ctx.now());
    // The worker of a root run (a submitted pipeline's driver) also speaks for its root.
    const root =
      (run.id === run.rootId && lease.lease === "held"
        ? recordHeartbeat(db, run.rootId, ctx.now())
        : getRoot(db, run.rootId)) ?? requireRoot(db, run.rootId);
    res.json({ cancelRequested: root.cancelRequested, status: root.status, lease });
  });

  router.post("/runs/:runId/cancel", async (req, res) => {
    query(req, []);
    const rootId = checkRunId(req.params.runId);
    if (!getRun(db, rootId) && ctx.scheduler.hasJobs(rootId)) {
      // A submitted root whose driver has not created its root run yet: its jobs are all there is.
      await ctx.scheduler.cancelRoot(rootId);
      res.json({ cancelRequested: true, status: "finished", canceledRuns: 0 });
      return;
    }
    const root = requireRoot(db, rootId);
    if (root.status !== "active") {
      throw ApiError.conflict(
        "already_ended",
        `root run ${root.rootId} has already ended (${root.status}): there is nothing to cancel`,
      );
    }
    const now = ctx.now();
    requestCancel(db, root.rootId, now);
    let canceledRuns = 0;
    const silentFor = now - root.lastHeartbeatAt;
    if (silentFor > ctx.options.heartbeatTimeoutMs) {
      // Nobody will hear the request: end the runs here instead of leaving them open.
      const changed = abandonRoot(db, root.rootId, now, silentFor);
      ctx.live.refreshRuns(root.rootId, changed);
      canceledRuns = changed.length;
    }
    if (ctx.scheduler.hasJobs(root.rootId)) {
      // Its workers are the server's to stop: every job ends canceled, and so do the open runs.
      canceledRuns += (await ctx.scheduler.cancelRoot(root.rootId)).runs;
    }
    ctx.live.refreshRoot(root.rootId);
    const after = requireRoot(db, root.rootId);
    res.json({ cancelRequested: true, status: after.status, canceledRuns });
  });

  return router;
}
