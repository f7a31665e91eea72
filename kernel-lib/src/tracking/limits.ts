/**
 * What one request to the lineage server may carry. The server states its limits in `GET /health`
 * (they depend on how it was started); the tracking client splits event batches and artifact uploads
 * to fit them, by count and by bytes, instead of copying numbers that may not hold for this server.
 *
 * @example
 * ```ts
 * const limits = await readLimits(client);
 * const n = fittingCount(sizes, limits.eventsPerBatch, limits.batchBytes - BODY_OVERHEAD);
 * ```
 */
import type { ServerClient } from "./http";

/** The `limits` of `GET /health` (see RequestLimits in openapi.yaml). */
export interface ServerLimits {
  batchBytes: number;
  eventsPerBatch: number;
  artifactsPerBatch: number;
  artifactBytes: number;
}

/**
 * Servers older than the `limits` field enforced these (32 MiB bodies, 20,000 events, 10,000
 * artifacts, 2 GiB artifacts): used only when a server does not state its own.
 */
export const LIMITS_OF_OLDER_SERVERS: ServerLimits = {
  batchBytes: 32 * 1024 * 1024,
  eventsPerBatch: 20_000,
  artifactsPerBatch: 10_000,
  artifactBytes: 2 * 1024 * 1024 * 1024,
};

/** Bytes of a JSON body beyond its items (braces, the key, separators): kept free in every batch. */
export const BODY_OVERHEAD = 1024;

function positive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 1;
}

/** The server's limits, from its health answer. */
export async function readLimits(client: ServerClient): Promise<ServerLimits> {
  const health = await client.json<{ limits?: Partial<Record<keyof ServerLimits, unknown>> }>(
    "GET",
    "/health",
  );
  const stated = health.limits;
  if (!stated) return LIMITS_OF_OLDER_SERVERS;
  const limits = { ...LIMITS_OF_OLDER_SERVERS };
  for (const key of Object.keys(limits) as (keyof ServerLimits)[]) {
    const value = stated[key];
    if (positive(value)) limits[key] = Math.floor(value);
  }
  return limits;
}

/**
 * How many leading items of a queue go into one request: at most `maxCount`, together at most
 * `maxBytes`, and always at least one (an item too large on its own is sent alone, so the server
 * that refuses it says why, and nothing behind it waits forever).
 */
export function fittingCount(
  sizeOf: (index: number) => number,
  available: number,
  maxCount: number,
  maxBytes: number,
): number {
  const limit = Math.min(available, maxCount);
  let bytes = 0;
  let n = 0;
  while (n < limit) {
    const size = sizeOf(n);
    if (n > 0 && bytes + size > maxBytes) break;
    bytes += size;
    n++;
  }
  return n;
}
