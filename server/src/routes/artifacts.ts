/** Artifacts: summary, bytes (upload, existence check, streamed download) and lineage. */
import { pipeline } from "node:stream/promises";
import { Router } from "express";
import type { ServerContext } from "../context";
import { ApiError } from "../http/errors";
import { checkArtifactId } from "../http/ids";
import { query } from "../http/query";
import type { ArtifactView } from "../model/api";
import { type ArtifactLineageCursor, getArtifact, getLineage } from "../storage/artifacts";

/** The query parameters of `GET /artifacts/{id}/lineage` (checked against openapi.yaml). */
export const ARTIFACT_LINEAGE_PARAMS = ["limit", "cursor"];

/** Artifact lineage cursors: `o<edge id>` while producers are listed, `i<edge id>` for consumers. */
const LINEAGE_CURSOR = /^([oi])([0-9]{1,15})$/;

/** Errors of a response whose client closed the connection. */
function clientWentAway(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ERR_STREAM_PREMATURE_CLOSE" || code === "ECONNRESET" || code === "EPIPE";
}

const TYPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,127}$/;

export function artifactsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const { db, artifacts } = ctx;

  const requireArtifact = (id: string): ArtifactView => {
    const artifact = getArtifact(db, id);
    if (!artifact) {
      throw ApiError.notFound(
        "unknown_artifact",
        `no artifact ${id} on this server: artifacts are known once an artifact event names them`,
      );
    }
    return artifact;
  };

  router.get("/artifacts/:artifactId", (req, res) => {
    query(req, []);
    const artifact = requireArtifact(checkArtifactId(req.params.artifactId));
    res.json({ ...artifact, stored: artifacts.has(artifact.id) });
  });

  // Registered before GET so that HEAD answers about the bytes alone (clients check before uploading).
  router.head("/artifacts/:artifactId/value", (req, res) => {
    query(req, []);
    const size = artifacts.sizeOf(checkArtifactId(req.params.artifactId));
    if (size === undefined) {
      res.status(404).end();
      return;
    }
    res.setHeader("Content-Length", size);
    res.status(200).end();
  });

  router.get("/artifacts/:artifactId/value", async (req, res) => {
    query(req, []);
    const artifact = requireArtifact(checkArtifactId(req.params.artifactId));
    const size = artifacts.sizeOf(artifact.id);
    if (size === undefined) {
      throw ApiError.notFound(
        "bytes_not_stored",
        `artifact ${artifact.id} is known but its bytes were never uploaded (PUT /api/v1/artifacts/${artifact.id}/value)`,
      );
    }
    res.setHeader("Content-Type", artifact.mediaType);
    res.setHeader("Content-Length", size);
    // The bytes are user data: never let a browser run them as a page of this origin.
    res.setHeader("Content-Security-Policy", "sandbox");
    res.setHeader("Content-Disposition", `inline; filename="${artifact.id}"`);
    try {
      await pipeline(artifacts.read(artifact.id), res);
    } catch (err) {
      // A client that goes away mid-download is not a server error: nothing to report.
      if (clientWentAway(err)) return;
      throw err;
    }
  });

  router.put("/artifacts/:artifactId/value", async (req, res) => {
    const q = query(req, ["typeName"]);
    const id = checkArtifactId(req.params.artifactId);
    const typeName = q.matching(
      "typeName",
      TYPE_NAME,
      "use the artifact's type name, e.g. arrow.table",
    );
    if (typeName === undefined) {
      throw ApiError.badRequest(
        "missing_parameter",
        'query parameter "typeName" is required: the content address is sha256(typeName + "\\0" + bytes)',
      );
    }
    const max = ctx.options.maxArtifactBytes;
    const declared = Number(req.headers["content-length"] ?? NaN);
    if (declared > max) {
      throw ApiError.tooLarge(
        `artifact ${id} has ${declared} bytes, over the server's limit of ${max} bytes: ` +
          "start the server with --max-artifact-bytes <bytes> to raise it (maxArtifactBytes in startServer)",
      );
    }
    const result = await artifacts.writeStream(
      id,
      typeName,
      req,
      max,
      Number.isSafeInteger(declared) ? declared : undefined,
    );
    res.status(result.created ? 201 : 200).json({ id, size: result.size, created: result.created });
  });

  // The runs that made or used this value. Paged: a common value (`0`) collects every run that
  // ever took it, and one answer with all of them grew to megabytes.
  router.get("/artifacts/:artifactId/lineage", (req, res) => {
    const q = query(req, ARTIFACT_LINEAGE_PARAMS);
    const id = checkArtifactId(req.params.artifactId);
    const limit = q.integer("limit", 1, 1000) ?? 50;
    const text = q.matching("cursor", LINEAGE_CURSOR, "pass the nextCursor of the previous page");
    const match = text === undefined ? null : LINEAGE_CURSOR.exec(text);
    const cursor: ArtifactLineageCursor | undefined = match
      ? { direction: match[1] === "o" ? "output" : "input", edgeId: Number(match[2]) }
      : undefined;
    requireArtifact(id);
    const page = getLineage(db, id, limit, cursor)!;
    const next = page.nextCursor;
    res.json({
      ...page,
      nextCursor: next && `${next.direction === "output" ? "o" : "i"}${next.edgeId}`,
    });
  });

  return router;
}
