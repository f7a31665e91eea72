/**
 * Identifier formats. Every id that reaches storage or the filesystem passes one of these first, so no
 * path or query is ever built from unchecked user input.
 */
import { ApiError } from "./errors";

/** Run ids: lowercase hex (the kernel library uses 32, a UUID without dashes). */
export const RUN_ID = /^[0-9a-f]{8,64}$/;
/** Artifact ids and cache keys: SHA-256, lowercase hex. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function checkRunId(value: unknown, what = "run id"): string {
  if (typeof value === "string" && RUN_ID.test(value)) return value;
  throw ApiError.badRequest(
    "invalid_run_id",
    `${what} ${describe(value)} is not valid: run ids are 8 to 64 lowercase hex characters`,
  );
}

export function checkArtifactId(value: unknown): string {
  if (typeof value === "string" && SHA256_HEX.test(value)) return value;
  throw ApiError.badRequest(
    "invalid_artifact_id",
    `artifact id ${describe(value)} is not valid: artifact ids are SHA-256 content addresses, 64 lowercase hex characters`,
  );
}

export function checkCacheKey(value: unknown): string {
  if (typeof value === "string" && SHA256_HEX.test(value)) return value;
  throw ApiError.badRequest(
    "invalid_cache_key",
    `cache key ${describe(value)} is not valid: cache keys are 64 lowercase hex characters`,
  );
}

/** A short, safe rendering of a bad value for an error message. */
export function describe(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
