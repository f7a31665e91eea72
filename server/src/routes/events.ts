/** POST /events: batch ingest of run events. */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import type { RunEvent } from "../model/events";

/** Largest JSON text of an artifact's summary. */
export const MAX_SUMMARY_BYTES = 1024 * 1024;

export function eventsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const checkBatch = bodyChecker<{ events: RunEvent[] }>("EventBatch", "the event batch");
  // Summaries are shown in every graph and live document: a summary, not the data.
  const limits = { fieldBytes: { summary: MAX_SUMMARY_BYTES } };
  router.post("/events", ...jsonBody(ctx.options.maxBatchBytes, limits), (req, res) => {
    const batch = checkBatch(req.body);
    // Committed (and fsynced) inside ingest(): only then is the batch acknowledged.
    const result = ctx.ingestor.ingest(batch.events);
    ctx.live.applyChanges(result.changes);
    res.json({
      received: result.received,
      ingested: result.ingested,
      duplicates: result.duplicates,
    });
  });
  return router;
}
