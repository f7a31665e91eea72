/**
 * Warm workers (Ray's model): a worker that finished a `step` job does not exit at once. It asks
 * for its next job (`POST /jobs/{id}/next?waitMs=N`, with the finished job's token), and is handed
 * a queued step job of the same root, the same code package, the same executor and the same
 * resources its process was admitted with, with a fresh token for that job (the old one revoked).
 * When nothing comes within its idle time it is told to exit, and its executor frees its resources.
 *
 * The executor still sees one process, known by the job it was launched for (the *carrier*, see
 * `storage/carriers.ts`): the scheduler polls, cancels and classifies through the carrier, so an
 * exit, a loss or an out-of-memory kill lands on the job the process runs now.
 *
 * Fairness: a warm worker takes only the head of its executor's FIFO queue. When the head is a job
 * it may not serve (another root, package or size), it leaves, so that its resources go to the
 * head as they would have without warm workers.
 *
 * @example
 * ```ts
 * // route: the worker of `jobId` finished it and waits up to 3 s for another
 * const next = await nextJob(state, jobId, 3_000, (gone) => req.on("close", gone));
 * next ? res.json(next) : res.status(204).end();
 * ```
 */
import { normalizeResources } from "../executors/admission";
import type { Executor } from "../executors/types";
import { ApiError } from "../http/errors";
import type { Job, JobHandle, JobSpec, StoredSpec } from "../model/jobs";
import { carrierOf, queuedStepJobs, setCarrier } from "../storage/carriers";
import { createJobToken, getJob, markRunning, revokeJobTokens, storedSpec } from "../storage/jobs";
import { getRoot } from "../storage/roots";
import { readStoredJson } from "../storage/stored-json";
import type { SchedulerState } from "./state";
import { jobSpec } from "./worker-reports";

/** What a warm worker is handed: its next job's spec and the token it now speaks with. */
export interface NextJob {
  spec: JobSpec;
  token: string;
}

/** An executor that can take back the head of its queue (the local executor can). */
interface Withdrawing extends Executor {
  withdraw(jobId: string): boolean;
}

function canWithdraw(executor: Executor | undefined): executor is Withdrawing {
  return typeof (executor as Partial<Withdrawing> | undefined)?.withdraw === "function";
}

/** A warm worker waiting for a job. */
interface Idle {
  lastJobId: string;
  carrierId: string;
  rootId: string;
  executor: string;
  fit: string;
  handle: JobHandle | undefined;
  answer: (next: NextJob | undefined) => void;
}

/** The warm workers waiting now, oldest first. */
export class IdleWorkers {
  readonly waiting: Idle[] = [];

  remove(idle: Idle): boolean {
    const i = this.waiting.indexOf(idle);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }
}

/**
 * What a process must share with a job to serve it: the code it loaded (package and dependencies)
 * and the resources its executor admitted it with.
 */
function fitOf(spec: StoredSpec): string {
  return JSON.stringify([
    spec.packageId,
    normalizeResources(spec.resources ?? {}),
    spec.localProject ?? null,
  ]);
}

/**
 * The next job for the worker that finished `lastJobId`: a queued one at once, else the first
 * fitting one dispatched within `waitMs`; undefined when the worker is to exit (its token is then
 * revoked). `onGone` registers what to do when the worker hangs up while it waits.
 */
export function nextJob(
  s: SchedulerState,
  lastJobId: string,
  waitMs: number,
  onGone: (gone: () => void) => void,
): Promise<NextJob | undefined> {
  const { db, now } = s.deps;
  const last = getJob(db, lastJobId);
  if (!last) throw ApiError.notFound("unknown_job", `no job ${lastJobId} on this server`);
  if (last.state === "queued" || last.state === "running") {
    throw ApiError.conflict(
      "job_open",
      `job ${lastJobId} has not ended: report it (POST /jobs/${lastJobId}/finished) before asking for the next one`,
    );
  }
  const leave = (): Promise<undefined> => {
    revokeJobTokens(db, lastJobId, now());
    return Promise.resolve(undefined);
  };
  const executor = s.executors.get(last.executor);
  // Only a step's worker, whose job ended by its own report, is fit to serve again: a driver's
  // process holds its program's state, and a canceled or lost job's process is being stopped.
  const reported = last.state === "succeeded" || last.failure?.kind === "step-error";
  if (last.kind !== "step" || !reported || !canWithdraw(executor) || s.closed) return leave();
  if (getRoot(db, last.rootId)?.cancelRequested) return leave();
  const idle: Idle = {
    lastJobId,
    carrierId: carrierOf(db, lastJobId),
    rootId: last.rootId,
    executor: last.executor,
    fit: fitOf(storedSpec(db, lastJobId)!),
    handle: last.handle,
    answer: () => undefined,
  };
  const queued = takeQueued(s, executor, idle);
  if (queued) return Promise.resolve(queued);
  // Someone else's job waits for resources: this process's go to it.
  if (executor.usage().queued > 0 || waitMs <= 0) return leave();
  return new Promise<NextJob | undefined>((resolve) => {
    const timer = setTimeout(() => {
      if (s.idle.remove(idle)) idle.answer(undefined);
    }, waitMs);
    idle.answer = (next) => {
      clearTimeout(timer);
      if (!next) revokeJobTokens(db, lastJobId, now());
      resolve(next);
    };
    s.idle.waiting.push(idle);
    onGone(() => {
      if (s.idle.remove(idle)) idle.answer(undefined);
    });
  });
}

/** The head of the executor's queue, when it is a step job of the idle worker's root that fits. */
function takeQueued(s: SchedulerState, executor: Withdrawing, idle: Idle): NextJob | undefined {
  for (const row of queuedStepJobs(s.deps.db, idle.rootId, idle.executor)) {
    const spec = readStoredJson<StoredSpec | undefined>(row.specJson, () => undefined);
    if (!spec || fitOf(spec) !== idle.fit) continue;
    if (executor.withdraw(row.id)) return handOver(s, row.id, idle);
  }
  return undefined;
}

/**
 * A job just created (not yet given to its executor) goes to a waiting warm worker that fits;
 * true when one took it. Only when the executor's queue is empty: the new job is then its head.
 */
export function offerToIdle(s: SchedulerState, job: Job, spec: StoredSpec): boolean {
  if (job.kind !== "step" || s.idle.waiting.length === 0) return false;
  const executor = s.executors.get(job.executor);
  if (!executor || executor.usage().queued > 0) return false;
  const fit = fitOf(spec);
  const idle = s.idle.waiting.find(
    (w) => w.rootId === job.rootId && w.executor === job.executor && w.fit === fit,
  );
  if (!idle) return false;
  s.idle.remove(idle);
  idle.answer(handOver(s, job.id, idle));
  return true;
}

/**
 * Tells waiting warm workers to exit: those of a canceled root, those of an executor whose queue
 * now holds a job they may not serve (their resources go to it), or all when the server stops.
 */
export function releaseIdle(s: SchedulerState, which: (w: Idle) => boolean): void {
  for (const idle of [...s.idle.waiting]) {
    if (which(idle) && s.idle.remove(idle)) idle.answer(undefined);
  }
}

/** Records the job as running in the idle worker's process, with a fresh token for it. */
function handOver(s: SchedulerState, jobId: string, idle: Idle): NextJob {
  const { db, now } = s.deps;
  let token = "";
  db.transaction(() => {
    setCarrier(db, jobId, idle.carrierId);
    revokeJobTokens(db, idle.lastJobId, now());
    // The token made when the job was queued never reached a process: the worker gets its own.
    revokeJobTokens(db, jobId, now());
    token = createJobToken(db, jobId, idle.rootId, now());
    const handle = idle.handle ?? { executor: idle.executor, host: "" };
    markRunning(db, jobId, handle, now());
  })();
  const job = getJob(db, jobId)!;
  s.waiters.notify(job.runId);
  return { spec: jobSpec(s, jobId), token };
}
