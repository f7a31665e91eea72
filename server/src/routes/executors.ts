/**
 * `GET /executors` (capabilities and use, the URLs their jobs may call back, whether the server
 * reaches each now) and `POST /executors/{name}/validate` (can it ever run these?).
 */
import { Router } from "express";
import type { ServerContext } from "../context";
import type { Executor } from "../executors/types";
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

  router.get("/executors", async (req, res) => {
    query(req, []);
    const executors = await Promise.all(
      ctx.scheduler.listExecutors().map(async (e) => {
        const usage = e.usage();
        const problem = await reachProblem(e);
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
          nodeUrls: ctx.scheduler.nodeUrls(e.name),
          reachable: problem === null,
          problem,
        };
      }),
    );
    res.json({ executors });
  });

  router.post("/executors/:name/validate", ...jsonBody(1024 * 1024), (req, res) => {
    query(req, []);
    ctx.scheduler.validate(String(req.params.name), check(req.body).steps);
    res.json({ ok: true });
  });

  return router;
}

/** How long `GET /executors` waits for an executor's cluster to answer. */
const CHECK_TIMEOUT_MS = 10_000;

/** Null when the server reaches the executor now; else what failed, in the executor's words. */
async function reachProblem(executor: Executor): Promise<string | null> {
  if (!executor.check) return null;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the ${executor.name} executor did not answer within ${CHECK_TIMEOUT_MS / 1000} s: check that its cluster is up`,
          ),
        ),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([executor.check(), timeout]);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
