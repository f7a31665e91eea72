/**
 * Code packages: `POST /packages` (content-addressed, idempotent, size-limited), `GET /packages/{id}`
 * (the archive's bytes) and `GET /packages/{id}/manifest`.
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
import { PackageStore } from "../storage/packages";

const RAISE_LIMIT = "start the server with a larger maxPackageBytes (startServer option)";

function checkPackageId(value: unknown): string {
  if (typeof value === "string" && SHA256_HEX.test(value)) return value;
  throw ApiError.badRequest(
    "invalid_package_id",
    `package id ${describe(value)} is not valid: package ids are 64 lowercase hex characters (what \`tsematic package\` prints)`,
  );
}

/** Reads a body whole, refusing (413) one larger than `max` as soon as it is. */
function readBody(req: Request, max: number): Promise<Buffer> {
  const tooLarge = (): ApiError =>
    ApiError.tooLarge(
      `the package is larger than the server's limit of ${max} bytes: keep data files out of ` +
        `the package's local imports (pass them as step inputs), or ${RAISE_LIMIT}`,
    );
  return readBoundedBody(req, max, tooLarge);
}

export function packagesRoutes(ctx: ServerContext): Router {
  const router = Router();
  const store = new PackageStore(join(ctx.options.dataDir, "packages"));
  const max = ctx.options.maxPackageBytes;

  const requireSize = (id: string): number => {
    const size = store.sizeOf(id);
    if (size === undefined) {
      throw ApiError.notFound(
        "unknown_package",
        `no package ${id} on this server: upload it with \`tsematic package <file> --upload\``,
      );
    }
    return size;
  };

  router.post("/packages", async (req, res) => {
    query(req, []);
    const put = await store.put(await readBody(req, max));
    res.status(put.created ? 201 : 200).json(put);
  });

  router.get("/packages/:packageId", async (req, res) => {
    query(req, []);
    const id = checkPackageId(req.params.packageId);
    const size = requireSize(id);
    res.setHeader("Content-Type", "application/octet-stream");
    res.setHeader("Content-Length", size);
    res.setHeader("Content-Disposition", `attachment; filename="${id}.tsematic-package.json"`);
    await pipeline(store.read(id), res);
  });

  router.get("/packages/:packageId/manifest", async (req, res) => {
    query(req, []);
    const id = checkPackageId(req.params.packageId);
    requireSize(id);
    res.json(await store.manifest(id));
  });

  return router;
}
