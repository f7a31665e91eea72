/** POST /events: batch ingest of run events. */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { ApiError } from "../http/errors";
import type { RunEvent } from "../model/events";

/** Largest JSON text of an artifact's summary. */
export const MAX_SUMMARY_BYTES = 1024 * 1024;

export function eventsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const checkBatch = bodyChecker<{ events: RunEvent[] }>("EventBatch", "the event batch");
  // Summaries are shown in every graph and live document: a summary, not the data.
  const limits = { fieldBytes: { summary: MAX_SUMMARY_BYTES } };
  router.post("/events", ...jsonBody(ctx.options.maxBatchBytes, limits), (req, res) => {
    const batch = checkEventBatch(checkBatch, req.body);
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

/**
 * Checks a batch against its schema; a refusal names the offending event by index, type and id
 * (when it has them) and says that nothing of the batch was stored, as the ingest refusals do.
 */
function checkEventBatch(
  check: (body: unknown) => { events: RunEvent[] },
  body: unknown,
): { events: RunEvent[] } {
  try {
    return check(body);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const index = /\/events\/(\d+)/.exec(err.message)?.[1];
    const events = (body as { events?: unknown } | null)?.events;
    const event: unknown =
      index !== undefined && Array.isArray(events) ? events[Number(index)] : undefined;
    if (event === null || typeof event !== "object") throw err;
    const { type, id } = event as { type?: unknown; id?: unknown };
    const what = [type, id]
      .filter((v) => typeof v === "string")
      .join(" ")
      .slice(0, 200);
    throw new ApiError(
      err.status,
      err.code,
      `${err.message} (event ${index}${what ? `: ${what}` : ""}); nothing in this batch was stored`,
    );
  }
}
