/** POST /artifact-uploads: many small artifacts in one request (base64 bytes, verified, all or none). */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { query } from "../http/query";

interface UploadBatch {
  artifacts: { id: string; typeName: string; bytes: string }[];
}

export function uploadsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const checkBatch = bodyChecker<UploadBatch>("ArtifactUploadBatch", "the artifact batch");
  router.post("/artifact-uploads", ...jsonBody(ctx.options.maxBatchBytes), async (req, res) => {
    query(req, []);
    const batch = checkBatch(req.body);
    const created = await ctx.artifacts.writeBatch(
      batch.artifacts.map((a) => ({
        id: a.id,
        typeName: a.typeName,
        bytes: Buffer.from(a.bytes, "base64"),
      })),
    );
    res.json({ received: batch.artifacts.length, created });
  });
  return router;
}
