/** Cache lookups for `cache: true` steps: one key, or many at once (a rerun of a wide fan-out). */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { ApiError } from "../http/errors";
import { checkCacheKey } from "../http/ids";
import { query } from "../http/query";
import type { PortView } from "../model/api";
import { type CacheHit, findCached, findCachedMany } from "../storage/cache";

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

  const checkLookups = bodyChecker<{ keys: string[]; inlineBytes?: number }>(
    "CacheLookups",
    "the cache lookups",
  );
  router.post("/cache/lookups", ...jsonBody(1024 * 1024), async (req, res) => {
    query(req, []);
    const { keys, inlineBytes = 0 } = checkLookups(req.body);
    // Sizes learned while checking that outputs are stored, asked again to decide what to inline.
    const sizes = new Map<string, number>();
    const isStored = (id: string): boolean => {
      const size = ctx.artifacts.sizeOf(id);
      if (size !== undefined) sizes.set(id, size);
      return size !== undefined;
    };
    const found = findCachedMany(ctx.db, [...new Set(keys)], isStored);
    const hits: Record<
      string,
      { run: CacheHit["run"]; outputs: (PortView & { bytes?: string })[] }
    > = {};
    let inlined = 0;
    for (const key of new Set(keys)) {
      const hit = found.get(key);
      if (!hit) continue;
      const outputs = [];
      for (const port of hit.outputs) {
        const size = sizes.get(port.artifact.id) ?? Infinity;
        if (size <= inlineBytes && inlined + size <= MAX_INLINE_TOTAL) {
          inlined += size;
          const bytes = await ctx.artifacts.bytes(port.artifact.id);
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
