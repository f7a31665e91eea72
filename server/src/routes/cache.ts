/** Cache lookups for `cache: true` steps: one key, or many at once (a rerun of a wide fan-out). */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { ApiError } from "../http/errors";
import { checkCacheKey } from "../http/ids";
import { query } from "../http/query";
import type { PortView, RunView } from "../model/api";
import { type CacheHit, findCached, findCachedMany, type RunRef } from "../storage/cache";

/** Inline bytes in one batch answer add up to at most this much; the rest is fetched by id. */
const MAX_INLINE_TOTAL = 16 * 1024 * 1024;

export function cacheRoutes(ctx: ServerContext): Router {
  const router = Router();
  const lookup = (key: string): CacheHit | undefined =>
    findCached(ctx.db, key, (id) => ctx.artifacts.has(id));

  router.get("/cache/:cacheKey", (req, res) => {
    query(req, []);
    const key = checkCacheKey(req.params.cacheKey);
    const hit = lookup(key);
    if (!hit) {
      throw ApiError.notFound(
        "cache_miss",
        `no resolved run with cache key ${key} whose outputs are stored: the step has to run`,
      );
    }
    res.json(hit);
  });

  const checkLookups = bodyChecker<{ keys: string[]; inlineBytes?: number; run?: "full" | "id" }>(
    "CacheLookups",
    "the cache lookups",
  );
  router.post("/cache/lookups", ...jsonBody(1024 * 1024), async (req, res) => {
    query(req, []);
    const { keys, inlineBytes = 0, run = "full" } = checkLookups(req.body);
    // Sizes learned while checking that outputs are stored, asked again to decide what to inline.
    let sizes = new Map<string, number>();
    const storedSizes = (ids: readonly string[]): Map<string, number> =>
      (sizes = ctx.artifacts.sizesOf(ids));
    const unique = [...new Set(keys)];
    const found: Map<string, CacheHit<RunView | RunRef>> = run === "id"
      ? findCachedMany(ctx.db, unique, storedSizes, "id")
      : findCachedMany(ctx.db, unique, storedSizes);
    const hits: Record<
      string,
      { run: RunView | RunRef; outputs: (PortView & { bytes?: string })[] }
    > = {};
    // Which outputs go inline, decided in the order of the keys as the budget runs out; their bytes
    // are then read in one query (those kept in files, one by one).
    const inlined = new Map<string, boolean[]>();
    let budget = MAX_INLINE_TOTAL;
    for (const key of new Set(keys)) {
      const hit = found.get(key);
      if (!hit) continue;
      inlined.set(
        key,
        hit.outputs.map((port) => {
          const size = sizes.get(port.artifact.id) ?? Infinity;
          if (size > inlineBytes || size > budget) return false;
          budget -= size;
          return true;
        }),
      );
    }
    const blobs = ctx.artifacts.blobsOf([
      ...new Set(
        [...inlined].flatMap(([key, inline]) =>
          found
            .get(key)!
            .outputs.filter((_, i) => inline[i])
            .map((port) => port.artifact.id),
        ),
      ),
    ]);
    for (const [key, inline] of inlined) {
      const hit = found.get(key)!;
      const outputs = [];
      for (const [i, port] of hit.outputs.entries()) {
        const id = port.artifact.id;
        if (inline[i]) {
          const bytes = blobs.get(id) ?? (await ctx.artifacts.bytes(id));
          outputs.push({ ...port, bytes: bytes.toString("base64") });
        } else {
          outputs.push(port);
        }
      }
      hits[key] = { run: hit.run, outputs };
    }
    res.json({ hits });
  });
  return router;
}
