/**
 * The job table (migration 8): one row per attempt of executing a dispatched run or a submitted
 * root, and the worker tokens made for them (stored as SHA-256, revoked when the job ends).
 */
import { createHash, randomBytes } from "node:crypto";
import type { ResourceRequest } from "../model/events";
import {
  type Job,
  type JobFailure,
  type JobHandle,
  type JobKind,
  type JobState,
  type StoredSpec,
  TERMINAL_JOB_STATES,
} from "../model/jobs";
import type { Db } from "./db";
import { readStoredJson } from "./stored-json";

interface JobRow {
  id: string;
  kind: JobKind;
  root_id: string;
  run_id: string;
  attempt: number;
  executor: string;
  state: JobState;
  spec_json: string;
  handle_json: string | null;
  failure_json: string | null;
  output_artifact_id: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  requeued_as: string | null;
}

const COLUMNS = `j.*, (SELECT n.id FROM jobs n WHERE n.run_id = j.run_id AND n.attempt = j.attempt + 1)
  AS requeued_as`;

function jobView(row: JobRow): Job {
  const spec = readStoredJson<Partial<StoredSpec>>(row.spec_json, () => ({}));
  const job: Job = {
    id: row.id,
    kind: row.kind,
    rootId: row.root_id,
    runId: row.run_id,
    attempt: row.attempt,
    executor: row.executor,
    state: row.state,
    resources: spec.resources ?? {},
    createdAt: row.created_at,
  };
  if (row.handle_json !== null) {
    job.handle = readStoredJson<JobHandle>(row.handle_json, () => ({
      executor: row.executor,
      host: "",
    }));
  }
  if (row.failure_json !== null) {
    job.failure = readStoredJson<JobFailure>(row.failure_json, () => ({
      kind: "lost",
      message: "the stored failure of this job cannot be read",
      hint: "see the job's log",
    }));
  }
  if (row.output_artifact_id !== null) job.outputArtifactId = row.output_artifact_id;
  if (row.started_at !== null) job.startedAt = row.started_at;
  if (row.ended_at !== null) job.endedAt = row.ended_at;
  if (row.requeued_as !== null) job.requeuedAs = row.requeued_as;
  return job;
}

/** 32 lowercase hex characters. */
export function newJobId(): string {
  return randomBytes(16).toString("hex");
}

export interface NewJob {
  kind: JobKind;
  rootId: string;
  runId: string;
  attempt: number;
  executor: string;
  spec: StoredSpec;
}

export function insertJob(db: Db, job: NewJob, now: number): Job {
  const id = newJobId();
  db.prepare(
    `INSERT INTO jobs (id, kind, root_id, run_id, attempt, executor, state, spec_json, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
  ).run(
    id,
    job.kind,
    job.rootId,
    job.runId,
    job.attempt,
    job.executor,
    JSON.stringify(job.spec),
    now,
  );
  return getJob(db, id)!;
}

export function getJob(db: Db, id: string): Job | undefined {
  const row = db.prepare<[string], JobRow>(`SELECT ${COLUMNS} FROM jobs j WHERE j.id = ?`).get(id);
  return row && jobView(row);
}

/** The spec a job was created with (without its live record). */
export function storedSpec(db: Db, id: string): StoredSpec | undefined {
  const row = db
    .prepare<[string], { spec_json: string }>("SELECT spec_json FROM jobs WHERE id = ?")
    .get(id);
  return (
    row &&
    readStoredJson<StoredSpec>(row.spec_json, () => ({
      inputs: [],
      namespace: "default",
      packageId: "",
      resources: {},
    }))
  );
}

/** The run's job of the highest attempt (the one requeues lead to). */
export function latestJobOfRun(db: Db, runId: string): Job | undefined {
  const row = db
    .prepare<[string], JobRow>(
      `SELECT ${COLUMNS} FROM jobs j WHERE j.run_id = ? ORDER BY j.attempt DESC LIMIT 1`,
    )
    .get(runId);
  return row && jobView(row);
}

export function jobsOfRoot(db: Db, rootId: string): Job[] {
  return db
    .prepare<[string], JobRow>(
      `SELECT ${COLUMNS} FROM jobs j WHERE j.root_id = ? ORDER BY j.created_at, j.id`,
    )
    .all(rootId)
    .map(jobView);
}

/** Jobs queued or running (what the scheduler watches). */
export function openJobs(db: Db): Job[] {
  return db
    .prepare<[], JobRow>(
      `SELECT ${COLUMNS} FROM jobs j WHERE j.state IN ('queued', 'running') ORDER BY j.created_at`,
    )
    .all()
    .map(jobView);
}

/** Marks a queued (or running) job running; false when it has ended. */
export function markRunning(db: Db, id: string, handle: JobHandle, now: number): boolean {
  return (
    db
      .prepare(
        `UPDATE jobs SET state = 'running', handle_json = ?, started_at = COALESCE(started_at, ?)
         WHERE id = ? AND state IN ('queued', 'running')`,
      )
      .run(JSON.stringify(handle), now, id).changes > 0
  );
}

/** Records where an open job is (or why it waits), leaving its state as it is. */
export function setHandle(db: Db, id: string, handle: JobHandle): boolean {
  return (
    db
      .prepare(`UPDATE jobs SET handle_json = ? WHERE id = ? AND state IN ('queued', 'running')`)
      .run(JSON.stringify(handle), id).changes > 0
  );
}

/** Records where a job ran after it ended (its executor learned the node only then). */
export function recordEndedHandle(db: Db, id: string, handle: JobHandle): void {
  db.prepare("UPDATE jobs SET handle_json = ? WHERE id = ?").run(JSON.stringify(handle), id);
}

/** Moves a job's (not revoked) worker tokens to another job of its root: its next attempt. */
export function moveJobTokens(db: Db, fromJobId: string, toJobId: string): void {
  db.prepare("UPDATE job_tokens SET job_id = ? WHERE job_id = ? AND revoked_at IS NULL").run(
    toJobId,
    fromJobId,
  );
}

/** Ends an open job; false (nothing changed) when it had ended already. */
export function endJob(
  db: Db,
  id: string,
  state: JobState,
  end: { failure?: JobFailure; outputArtifactId?: string; handle?: JobHandle },
  now: number,
): boolean {
  if (!TERMINAL_JOB_STATES.has(state)) throw new Error(`endJob: ${state} is not terminal`);
  return (
    db
      .prepare(
        `UPDATE jobs SET state = ?, failure_json = ?, output_artifact_id = ?, ended_at = ?,
           handle_json = COALESCE(?, handle_json)
         WHERE id = ? AND state IN ('queued', 'running')`,
      )
      .run(
        state,
        end.failure ? JSON.stringify(end.failure) : null,
        end.outputArtifactId ?? null,
        now,
        end.handle ? JSON.stringify(end.handle) : null,
        id,
      ).changes > 0
  );
}

/** The job's resources as stored in its spec. */
export function resourcesOf(spec: StoredSpec): ResourceRequest {
  return spec.resources ?? {};
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Makes a worker token for a job: 32 random bytes hex; only its SHA-256 is stored. */
export function createJobToken(db: Db, jobId: string, rootId: string, now: number): string {
  const token = randomBytes(32).toString("hex");
  db.prepare(
    "INSERT INTO job_tokens (token_sha256, job_id, root_id, created_at) VALUES (?, ?, ?, ?)",
  ).run(sha256(token), jobId, rootId, now);
  return token;
}

/** The job and root a (not revoked) worker token was made for. */
export function findJobToken(db: Db, token: string): { jobId: string; rootId: string } | undefined {
  return db
    .prepare<[string], { jobId: string; rootId: string }>(
      `SELECT job_id AS jobId, root_id AS rootId FROM job_tokens
       WHERE token_sha256 = ? AND revoked_at IS NULL`,
    )
    .get(sha256(token));
}

export function revokeJobTokens(db: Db, jobId: string, now: number): void {
  db.prepare("UPDATE job_tokens SET revoked_at = ? WHERE job_id = ? AND revoked_at IS NULL").run(
    now,
    jobId,
  );
}
