/** `POST /submissions`: a detached root run (a step by name, or a package's program) as a driver job. */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { ApiError } from "../http/errors";
import { query } from "../http/query";
import type { SubmissionRequest } from "../scheduler/scheduler";

export function submissionsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const check = bodyChecker<SubmissionRequest>("SubmissionRequest", "the submission");
  router.post("/submissions", ...jsonBody(1024 * 1024), (req, res) => {
    query(req, []);
    if (res.locals.worker) {
      throw new ApiError(
        403,
        "worker_forbidden",
        "workers cannot submit root runs: use the admin token",
      );
    }
    const { rootId, job } = ctx.scheduler.submit(check(req.body));
    res.status(201).json({
      rootId,
      job,
      watch: { api: `/api/v1/runs/${rootId}`, cli: `tsematic show ${rootId}` },
    });
  });
  return router;
}
