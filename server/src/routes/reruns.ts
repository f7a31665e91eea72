/** `POST /runs/{runId}/rerun`: a root run again from its code package (`scheduler/rerun.ts`). */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { ApiError } from "../http/errors";
import { query } from "../http/query";
import { rerunRoot, type RerunRequest } from "../scheduler/rerun";
import { checkRunId } from "../http/ids";

export function rerunsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const check = bodyChecker<RerunRequest>("RerunRequest", "the rerun");
  router.post("/runs/:runId/rerun", ...jsonBody(1024 * 1024), async (req, res) => {
    query(req, []);
    if (res.locals.worker) {
      throw new ApiError(
        403,
        "worker_forbidden",
        "workers cannot rerun root runs: use the admin token",
      );
    }
    const runId = checkRunId(req.params.runId);
    const answer = await rerunRoot(ctx, runId, check(req.body));
    if (answer.dryRun) {
      res.status(200).json({ ok: true, inputs: answer.inputs });
      return;
    }
    const { rootId, rerunOf, from, job } = answer;
    res.status(201).json({
      rootId,
      rerunOf,
      from,
      job,
      watch: { api: `/api/v1/runs/${rootId}`, cli: `tsematic show ${rootId}` },
    });
  });
  return router;
}
