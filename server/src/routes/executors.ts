/** `GET /executors` (capabilities and use) and `POST /executors/{name}/validate` (can it ever run these?). */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { query } from "../http/query";
import type { ResourceRequest } from "../model/events";

export function executorsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const check = bodyChecker<{ steps: { name: string; resources?: ResourceRequest }[] }>(
    "ValidationRequest",
    "the validation request",
  );

  router.get("/executors", (req, res) => {
    query(req, []);
    res.json({
      executors: ctx.scheduler.listExecutors().map((e) => {
        const usage = e.usage();
        return {
          name: e.name,
          capabilities: e.capabilities(),
          inUse: {
            cpus: usage.inUse.cpus ?? 0,
            memoryMiB: usage.inUse.memoryMiB ?? 0,
            gpus: usage.inUse.gpus ?? 0,
          },
          queued: usage.queued,
          running: usage.running,
        };
      }),
    });
  });

  router.post("/executors/:name/validate", ...jsonBody(1024 * 1024), (req, res) => {
    query(req, []);
    ctx.scheduler.validate(String(req.params.name), check(req.body).steps);
    res.json({ ok: true });
  });

  return router;
}
