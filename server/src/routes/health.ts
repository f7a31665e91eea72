/**
 * GET /health: the only route without a token, so it reveals nothing but liveness, the version and
 * the request limits a client must split its batches to (public facts of the API, no data).
 */
import { Router } from "express";
import type { ServerContext } from "../context";
import { contract } from "../http/contract";
import { VERSION } from "../version";

/** What one request may carry: clients split uploads and event batches to fit. */
export interface RequestLimits {
  /** Largest JSON body (an event batch or an artifact batch, after base64), in bytes. */
  batchBytes: number;
  /** Most events in one `POST /events`. */
  eventsPerBatch: number;
  /** Most artifacts in one `POST /artifact-uploads`. */
  artifactsPerBatch: number;
  /** Largest artifact sent alone with `PUT /artifacts/{id}/value`, in bytes. */
  artifactBytes: number;
}

/** `maxItems` of an array property of a schema in openapi.yaml: the contract is the one source. */
function maxItems(schema: string, property: string): number {
  const schemas = contract().doc.components.schemas as Record<
    string,
    { properties?: Record<string, { maxItems?: number }> }
  >;
  const value = schemas[schema]?.properties?.[property]?.maxItems;
  if (typeof value !== "number") {
    throw new Error(`openapi.yaml: ${schema}.${property} has no maxItems`);
  }
  return value;
}

/** The limits this server enforces, as `GET /health` states them. */
export function requestLimits(ctx: Pick<ServerContext, "options">): RequestLimits {
  return {
    batchBytes: ctx.options.maxBatchBytes,
    eventsPerBatch: maxItems("EventBatch", "events"),
    artifactsPerBatch: maxItems("ArtifactUploadBatch", "artifacts"),
    artifactBytes: ctx.options.maxArtifactBytes,
  };
}

export function healthRoutes(ctx: Pick<ServerContext, "options">): Router {
  const router = Router();
  const limits = requestLimits(ctx);
  router.get("/health", (_req, res) => {
    res.json({ ok: true, version: VERSION, limits });
  });
  return router;
}
