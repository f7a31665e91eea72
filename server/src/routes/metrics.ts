/**
 * Metrics and notes panes: a run's metrics, a pipeline's metrics and summary across its root runs
 * (a pipeline = the root runs of one step name), and the text of a root's live notes pane.
 */
import { Router } from "express";
import type { ServerContext } from "../context";
import { ApiError } from "../http/errors";
import { checkRunId, RUN_ID } from "../http/ids";
import { type Query, query } from "../http/query";
import { pipelineMetrics, pipelineSummary, type RootCursor, runMetrics } from "../storage/metrics";
import { pipelineSeries } from "../storage/pipeline-series";
import { requireRoot, requireRun } from "./lookups";

/** The query parameters of `GET /pipelines/{stepName}/metrics`. */
export const PIPELINE_METRICS_PARAMS = ["name", "limit", "cursor"];
/** The query parameters of `GET /pipelines/{stepName}/series`. */
export const PIPELINE_SERIES_PARAMS = ["name", "limit", "cursor"];
/** The query parameters of `GET /pipelines/{stepName}/summary`. */
export const PIPELINE_SUMMARY_PARAMS = ["limit"];

export function metricsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const db = ctx.db;

  router.get("/runs/:runId/metrics", (req, res) => {
    query(req, []);
    const runId = checkRunId(req.params.runId);
    requireRun(db, runId);
    res.json({ metrics: runMetrics(db, runId) });
  });

  router.get("/runs/:runId/notes-pane", (req, res) => {
    query(req, []);
    const root = requireRoot(db, checkRunId(req.params.runId));
    res.json(ctx.live.notes.view(root.rootId));
  });

  router.get("/pipelines/:stepName/metrics", (req, res) => {
    const q = query(req, PIPELINE_METRICS_PARAMS);
    const stepName = checkStepName(req.params.stepName);
    const name = metricName(q);
    const limit = q.integer("limit", 1, 1000) ?? 100;
    const cursor = decodeRootCursor(q.string("cursor", 200));
    const page = pipelineMetrics(db, stepName, { name, limit, cursor });
    res.json({
      metrics: page.metrics,
      nextCursor: page.nextCursor && encodeRootCursor(page.nextCursor),
    });
  });

  // What the pipeline view plots: per metric and label set, each root run's last value.
  router.get("/pipelines/:stepName/series", (req, res) => {
    const q = query(req, PIPELINE_SERIES_PARAMS);
    const stepName = checkStepName(req.params.stepName);
    const name = metricName(q);
    const limit = q.integer("limit", 1, 1000) ?? 100;
    const cursor = decodeRootCursor(q.string("cursor", 200));
    const page = pipelineSeries(db, stepName, { name, limit, cursor });
    res.json({ ...page, nextCursor: page.nextCursor && encodeRootCursor(page.nextCursor) });
  });

  router.get("/pipelines/:stepName/summary", (req, res) => {
    const q = query(req, PIPELINE_SUMMARY_PARAMS);
    const stepName = checkStepName(req.params.stepName);
    res.json(pipelineSummary(db, stepName, q.integer("limit", 1, 1000) ?? 100));
  });

  return router;
}

/** The optional `name` filter: a metric name, never empty. */
function metricName(q: Query): string | undefined {
  const name = q.string("name", 200);
  if (name === "") {
    throw ApiError.badRequest(
      "invalid_parameter",
      'query parameter "name" is empty: give a metric name, or leave it out for every metric',
    );
  }
  return name;
}

function checkStepName(value: string | undefined): string {
  if (!value || value.length > 256) {
    throw ApiError.badRequest(
      "invalid_step_name",
      "the pipeline is named by its root step's name: 1 to 256 characters",
    );
  }
  return value;
}

/** Cursors are opaque to clients: base64url of the last root run's (createdAt, id). */
function encodeRootCursor(cursor: RootCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString("base64url");
}

function decodeRootCursor(text: string | undefined): RootCursor | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "number" &&
    Number.isFinite(value[0]) &&
    typeof value[1] === "string" &&
    RUN_ID.test(value[1])
  ) {
    return { createdAt: value[0], id: value[1] };
  }
  throw ApiError.badRequest(
    "invalid_cursor",
    'query parameter "cursor" is not a cursor this server issued: pass the nextCursor of the previous page',
  );
}
