/**
 * Prebuilt dependency archives (issue 12): `PUT /dependencies/{key}` (admin; a tar.gz of
 * `node_modules`, at most `maxArtifactBytes`) and `GET /dependencies/{key}` (admin and workers; 404
 * when none), for workers on nodes that cannot reach a registry.
 */
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Request } from "express";
import { Router } from "express";
import type { ServerContext } from "../context";
import { readBoundedBody } from "../http/body";
import { ApiError } from "../http/errors";
import { describe, SHA256_HEX } from "../http/ids";
import { query } from "../http/query";
import { DependencyStore } from "../storage/dependencies";

function checkKey(value: unknown): string {
  if (typeof value === "string" && SHA256_HEX.test(value)) return value;
  throw ApiError.badRequest(
    "invalid_dependency_key",
    `dependency key ${describe(value)} is not valid: keys are 64 lowercase hex characters (a package's dependency key for a Node major and platform)`,
  );
}

/** Reads a body whole, refusing (413) one larger than `max` as soon as it is. */
function readBody(req: Request, max: number): Promise<Buffer> {
  const tooLarge = (): ApiError =>
    ApiError.tooLarge(
      `the dependency archive is larger than the server's limit of ${max} bytes: start the server ` +
        "with --max-artifact-bytes <bytes> to raise it (maxArtifactBytes in startServer)",
    );
  return readBoundedBody(req, max, tooLarge);
}

/** The routes of dependency archives, stored under `<dataDir>/dependencies`. */
export function dependenciesRoutes(ctx: ServerContext): Router {
  const router = Router();
  const store = new DependencyStore(join(ctx.options.dataDir, "dependencies"));

  router.put("/dependencies/:key", async (req, res) => {
    query(req, []);
    const key = checkKey(req.params.key);
    const put = await store.put(key, await readBody(req, ctx.options.maxArtifactBytes));
    res.status(put.created ? 201 : 200).json(put);
  });

  router.get("/dependencies/:key", async (req, res) => {
    query(req, []);
    const key = checkKey(req.params.key);
    const archive = store.get(key);
    if (!archive) {
      throw ApiError.notFound(
        "unknown_dependencies",
        `no dependency archive for key ${key}: upload one with PUT /api/v1/dependencies/${key} ` +
          "(a tar.gz of node_modules), or let the worker run npm ci",
      );
    }
    res.setHeader("Content-Type", "application/gzip");
    res.setHeader("Content-Length", archive.size);
    await pipeline(archive.read(), res);
  });

  return router;
}
