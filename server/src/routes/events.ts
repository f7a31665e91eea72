/** POST /events: batch ingest of run events. */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import type { RunEvent } from "../model/events";

export function eventsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const checkBatch = bodyChecker<{ events: RunEvent[] }>("EventBatch", "the event batch");
  router.post("/events", ...jsonBody(ctx.options.maxBatchBytes), (req, res) => {
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
