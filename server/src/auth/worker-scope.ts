/**
 * What a worker token may do. A worker's token (made per job when the executor launches it) is
 * scoped to its job's root run: it may fetch its job's spec, package, dependency archives and inputs, report its job's
 * start and end, and read and write the runs, events, artifacts and heartbeats of its root, and
 * look up the cache (whose hits' outputs it may then read, from any root, as a cache hit does);
 * every other call answers 403 saying so. The admin token never reaches a worker.
 */
import type { Request, RequestHandler, Response } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { ApiError } from "../http/errors";
import { storedSpec } from "../storage/jobs";
import { MAX_SUMMARY_BYTES } from "../routes/events";
import { isRootOfScope, onLaterRoot } from "./submission-roots";

/** The job and root a worker token speaks for (in `res.locals.worker`). */
export interface WorkerScope {
  jobId: string;
  rootId: string;
}

type Check = (ctx: ServerContext, scope: WorkerScope, id: string) => void;

interface Rule {
  method: string;
  path: RegExp;
  check?: Check;
}

const ID = "([^/]+)";
const own: Check = (_ctx, scope, id) => {
  if (id !== scope.jobId) throw forbidden(scope, `job ${id} is not its job`);
};
const ownPackage: Check = (ctx, scope, id) => {
  if (storedSpec(ctx.db, scope.jobId)?.packageId !== id) {
    throw forbidden(scope, `package ${id} is not its job's package`);
  }
};
const rootRun: Check = (ctx, scope, id) => {
  const run = ctx.db
    .prepare<[string], { root_id: string }>("SELECT root_id FROM runs WHERE id = ?")
    .get(id);
  // An unknown run answers 404 from the route (a durable child id asked before it exists), or
  // is a submitted root whose driver has not created it yet: then its job tells the root.
  const rootId =
    run?.root_id ??
    ctx.db
      .prepare<[string], { root_id: string }>("SELECT root_id FROM jobs WHERE run_id = ? LIMIT 1")
      .get(id)?.root_id;
  if (
    rootId !== undefined &&
    !isRootOfScope(ctx, scope, rootId) &&
    !reusedRoot(ctx, scope, rootId)
  ) {
    throw forbidden(scope, `run ${id} belongs to another root run`);
  }
};
/** A rerun's driver reads the runs of the root it was made from (its reuse plan's). */
const reusedRoot = (ctx: ServerContext, scope: WorkerScope, rootId: string): boolean =>
  storedSpec(ctx.db, scope.jobId)?.reuse?.priorRootId === rootId;
const readableArtifact: Check = (ctx, scope, id) => {
  if (storedSpec(ctx.db, scope.jobId)?.inputs.some((i) => i.artifactId === id)) return;
  const onEdge = ctx.db
    .prepare<[string, string], { one: number }>(
      `SELECT 1 AS one FROM artifacts a JOIN edges e ON e.artifact = a.seq JOIN runs r ON r.seq = e.run
       WHERE a.id = ? AND r.root_id = ? LIMIT 1`,
    )
    .get(id, scope.rootId);
  if (onEdge) return;
  if (onLaterRoot(ctx, scope, id)) return;
  const prior = storedSpec(ctx.db, scope.jobId)?.reuse?.priorRootId;
  if (
    prior !== undefined &&
    ctx.db
      .prepare<[string, string], { one: number }>(
        `SELECT 1 AS one FROM artifacts a JOIN edges e ON e.artifact = a.seq JOIN runs r ON r.seq = e.run
         WHERE a.id = ? AND r.root_id = ? LIMIT 1`,
      )
      .get(id, prior)
  ) {
    return;
  }
  // A cached output is what the cache routes (open to workers) answer by its key: its bytes are
  // what a cache hit inside the worker fetches, whatever root made it.
  const cached = ctx.db
    .prepare<[string], { one: number }>(
      `SELECT 1 AS one FROM artifacts a
       JOIN edges e ON e.artifact = a.seq AND e.direction = 'output' JOIN runs r ON r.seq = e.run
       WHERE a.id = ? AND r.cache_key IS NOT NULL LIMIT 1`,
    )
    .get(id);
  if (!cached) {
    throw forbidden(
      scope,
      `artifact ${id} is neither an input of its job, nor on a run of its root, nor a cached output`,
    );
  }
};

const RULES: Rule[] = [
  { method: "GET", path: re(`/jobs/${ID}/spec`), check: own },
  { method: "POST", path: re(`/jobs/${ID}/started`), check: own },
  { method: "POST", path: re(`/jobs/${ID}/finished`), check: own },
  // A warm worker asks for its next job with the token of the one it finished.
  { method: "POST", path: re(`/jobs/${ID}/next`), check: own },
  { method: "GET", path: re(`/packages/${ID}`), check: ownPackage },
  // Prebuilt node_modules by dependency key: third-party code, no run's data.
  { method: "GET", path: re(`/dependencies/${ID}`) },
  { method: "GET", path: re(`/artifacts/${ID}`), check: readableArtifact },
  { method: "GET", path: re(`/artifacts/${ID}/value`), check: readableArtifact },
  // Whether bytes are stored (before an upload): content addresses only, no content.
  { method: "HEAD", path: re(`/artifacts/${ID}/value`) },
  { method: "PUT", path: re(`/artifacts/${ID}/value`) },
  { method: "POST", path: re("/artifact-uploads") },
  { method: "POST", path: re("/events") },
  { method: "POST", path: re(`/runs/${ID}/heartbeat`), check: rootRun },
  { method: "GET", path: re(`/runs/${ID}`), check: rootRun },
  { method: "GET", path: re(`/runs/${ID}/children`), check: rootRun },
  { method: "POST", path: re(`/runs/${ID}/jobs`), check: rootRun },
  { method: "GET", path: re(`/runs/${ID}/job`), check: rootRun },
  { method: "GET", path: re(`/cache/${ID}`) },
  { method: "POST", path: re("/cache/lookups") },
  { method: "POST", path: re(`/executors/${ID}/validate`) },
];

function re(template: string): RegExp {
  return new RegExp(`^${template}/?$`);
}

/** What a worker token may do, for the 403 message. */
function allowed(scope: WorkerScope): string {
  return (
    `a worker token (job ${scope.jobId}, root run ${scope.rootId}) may only fetch its job's spec, ` +
    "package, dependency archives and input artifacts, report its job's start and end, post events, artifacts and " +
    `heartbeats of root run ${scope.rootId}, read and dispatch that root's runs, look up the cache ` +
    "and validate resources; use the server's admin token for anything else"
  );
}

function forbidden(scope: WorkerScope, why: string): ApiError {
  return new ApiError(403, "worker_forbidden", `${why}: ${allowed(scope)}`);
}

/**
 * Lets a worker's request through only when its scope allows it. `POST /events` is read here (the
 * events route then reuses the parsed body) so that every event's root is checked before anything
 * is ingested.
 */
export function workerScope(ctx: ServerContext): RequestHandler {
  const parseEvents = jsonBody(ctx.options.maxBatchBytes, {
    fieldBytes: { summary: MAX_SUMMARY_BYTES },
  });
  return (req, res, next) => {
    const scope = (res.locals as { worker?: WorkerScope }).worker;
    if (!scope) {
      next();
      return;
    }
    const rule = RULES.find((r) => r.method === req.method && r.path.test(req.path));
    if (!rule) throw forbidden(scope, `${req.method} ${req.path} is not open to workers`);
    const id = decodeURIComponent(rule.path.exec(req.path)![1] ?? "");
    rule.check?.(ctx, scope, id);
    if (req.method === "POST" && req.path.replace(/\/$/, "") === "/events") {
      runAll(parseEvents, req, res, (err?: unknown) => {
        if (err) {
          next(err);
          return;
        }
        try {
          checkEventRoots(ctx, scope, req.body);
          next();
        } catch (e) {
          next(e);
        }
      });
      return;
    }
    next();
  };
}

function checkEventRoots(ctx: ServerContext, scope: WorkerScope, body: unknown): void {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return; // The route answers 400 for the shape.
  events.forEach((event: unknown, index) => {
    const rootId = (event as { rootId?: unknown } | null)?.rootId;
    if (!isRootOfScope(ctx, scope, rootId)) {
      throw forbidden(
        scope,
        `event ${index} is of root run ${String(rootId).slice(0, 64)}, not of its root; nothing in this batch was stored`,
      );
    }
  });
}

function runAll(
  handlers: RequestHandler[],
  req: Request,
  res: Response,
  done: (err?: unknown) => void,
): void {
  const step = (i: number): void => {
    if (i === handlers.length) {
      done();
      return;
    }
    try {
      void handlers[i]!(req, res, (err?: unknown) => (err ? done(err) : step(i + 1)));
    } catch (err) {
      done(err);
    }
  };
  step(0);
}
