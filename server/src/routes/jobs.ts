/**
 * Jobs. Resolver side: `POST /runs/{id}/jobs` dispatches an open run as a job (idempotent per run),
 * `GET /runs/{id}/job?waitMs=N` long-polls its latest job. Worker side: `GET /jobs/{id}/spec`,
 * `POST /jobs/{id}/started`, `POST /jobs/{id}/finished`, and `POST /jobs/{id}/next?waitMs=N`: a
 * warm worker that finished its step job long-polls for the next one (204: exit).
 */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { ApiError } from "../http/errors";
import { checkRunId, describe } from "../http/ids";
import { query } from "../http/query";
import type { DispatchRequest, FinishedReport, StartedReport } from "../scheduler/scheduler";

const JOB_ID = /^[0-9a-f]{32}$/;

function checkJobId(value: unknown): string {
  if (typeof value === "string" && JOB_ID.test(value)) return value;
  throw ApiError.badRequest(
    "invalid_job_id",
    `job id ${describe(value)} is not valid: job ids are 32 lowercase hex characters`,
  );
}

export function jobsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const scheduler = ctx.scheduler;
  const checkDispatch = bodyChecker<DispatchRequest>("DispatchRequest", "the dispatch request");
  const checkStarted = bodyChecker<StartedReport>("JobStarted", "the started report");
  const checkFinished = bodyChecker<FinishedReport>("JobFinished", "the finished report");
  const checkNext = bodyChecker<{ finished?: FinishedReport }>(
    "NextJobRequest",
    "the next-job request",
  );

  router.post("/runs/:runId/jobs", ...jsonBody(1024 * 1024), (req, res) => {
    query(req, []);
    const runId = checkRunId(req.params.runId);
    const { job, created } = scheduler.dispatch(runId, checkDispatch(req.body));
    res.status(created ? 201 : 200).json(job);
  });

  router.get("/runs/:runId/job", async (req, res) => {
    const waitMs = query(req, ["waitMs"]).integer("waitMs", 0, 30_000) ?? 0;
    const runId = checkRunId(req.params.runId);
    const job = await scheduler.waitForRunJob(runId, waitMs);
    if (!job) {
      throw ApiError.notFound(
        "no_job",
        `run ${runId} has no job: it ran inline, or was never dispatched (POST /runs/${runId}/jobs)`,
      );
    }
    res.json(job);
  });

  router.get("/jobs/:jobId/spec", (req, res) => {
    query(req, []);
    res.json(scheduler.spec(checkJobId(req.params.jobId)));
  });

  router.post("/jobs/:jobId/started", ...jsonBody(64 * 1024), (req, res) => {
    query(req, []);
    res.json(scheduler.started(checkJobId(req.params.jobId), checkStarted(req.body)));
  });

  router.post("/jobs/:jobId/finished", ...jsonBody(1024 * 1024), (req, res) => {
    query(req, []);
    res.json(scheduler.finished(checkJobId(req.params.jobId), checkFinished(req.body)));
  });

  router.post("/jobs/:jobId/next", ...jsonBody(1024 * 1024), async (req, res) => {
    const waitMs = query(req, ["waitMs"]).integer("waitMs", 0, 30_000) ?? 0;
    const jobId = checkJobId(req.params.jobId);
    // The finished job's report rides along: one round trip per job instead of two.
    const { finished } = checkNext(req.body);
    if (finished) scheduler.finished(jobId, finished);
    const next = await scheduler.nextJob(jobId, waitMs, (gone) => res.on("close", gone));
    if (next) res.json(next);
    else res.status(204).end();
  });

  return router;
}
