/** GET /cache/:key: what a `cache: true` step reuses instead of running. */
import { Router } from "express";
import type { ServerContext } from "../context";
import { ApiError } from "../http/errors";
import { checkCacheKey } from "../http/ids";
import { query } from "../http/query";
import { findCached } from "../storage/cache";

export function cacheRoutes(ctx: ServerContext): Router {
  const router = Router();
  router.get("/cache/:cacheKey", (req, res) => {
    query(req, []);
    const key = checkCacheKey(req.params.cacheKey);
    const hit = findCached(ctx.db, key, (id) => ctx.artifacts.has(id));
    if (!hit) {
      throw ApiError.notFound(
        "cache_miss",
        `no resolved run with cache key ${key} whose outputs are stored: the step has to run`,
      );
    }
    res.json(hit);
  });
  return router;
}
