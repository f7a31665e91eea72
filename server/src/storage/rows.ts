/** Row shapes of the lineage tables and their mapping to API views. */
import type {
  ArtifactView,
  AttemptView,
  EdgeView,
  RootView,
  RunDetailView,
  RunView,
} from "../model/api";
import type { ErrorInfo, RunMode, RunState } from "../model/events";
import { readStoredJson, UNREADABLE } from "./stored-json";

export interface RunRow {
  id: string;
  root_id: string;
  parent_id: string | null;
  step_name: string;
  source_hash: string;
  source_text?: string;
  version: string | null;
  parameters_json: string;
  cache: number;
  state: RunState;
  attempt: number;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  cache_key: string | null;
  original_run_id: string | null;
  resources_json: string;
  tags_json: string;
  error_json: string | null;
}

/** Every run column but the (possibly large) source text. */
export const RUN_COLUMNS = `r.id, r.root_id, r.parent_id, r.step_name, r.source_hash, r.version,
  r.parameters_json, r.cache, r.state, r.attempt, r.created_at, r.started_at, r.ended_at, r.cache_key,
  r.original_run_id, r.resources_json, r.tags_json, r.error_json`;

export function runView(row: RunRow): RunView {
  return {
    id: row.id,
    rootId: row.root_id,
    parentId: row.parent_id,
    stepName: row.step_name,
    state: row.state,
    attempt: row.attempt,
    sourceHash: row.source_hash,
    version: row.version,
    parameters: readStoredJson(row.parameters_json, () => []),
    cache: row.cache === 1,
    tags: readStoredJson(row.tags_json, () => []),
    resources: readStoredJson(row.resources_json, () => ({})),
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    cacheKey: row.cache_key,
    originalRunId: row.original_run_id,
    error: runError(row),
  };
}

/** A run row's error, or null; one that cannot be read is marked as such. */
export function runError(row: RunRow): ErrorInfo | null {
  return row.error_json === null
    ? null
    : readStoredJson(row.error_json, () => unreadableError(row));
}

/** A run's error that cannot be read, marked as such (the run still shows as failed). */
function unreadableError(row: RunRow): ErrorInfo {
  return {
    name: "UnreadableStoredValue",
    message: `the error of run ${row.id}: ${UNREADABLE}`,
    stepName: row.step_name,
    path: [],
    runId: row.id,
  };
}

/** The source columns of a run, read only for one run's detail (they may be large). */
export interface SourceRow {
  source_text: string;
  source_typescript: string | null;
  source_cell: number | null;
}

export function runDetailView(row: RunRow & SourceRow, attempts: AttemptView[]): RunDetailView {
  return {
    ...runView(row),
    sourceText: row.source_text,
    ...(row.source_typescript !== null ? { sourceTypeScript: row.source_typescript } : {}),
    ...(row.source_cell !== null ? { sourceCell: row.source_cell } : {}),
    attempts,
  };
}

export interface AttemptStartRow {
  attempt: number;
  started_at: number;
}

export interface AttemptEndRow {
  attempt: number;
  state: RunState;
  ended_at: number;
  error_json: string | null;
}

/**
 * The attempts of a run from its stored facts: none when it never retried. Attempt 1 started when
 * the run did; the last attempt may still be running (no end yet).
 */
export function attemptViews(
  row: RunRow,
  starts: AttemptStartRow[],
  ends: AttemptEndRow[],
): AttemptView[] {
  if (ends.length === 0 && starts.length === 0) return [];
  const last = Math.max(
    row.attempt,
    ...starts.map((s) => s.attempt),
    ...ends.map((e) => e.attempt),
  );
  const views: AttemptView[] = [];
  for (let attempt = 1; attempt <= last; attempt++) {
    const start = starts.find((s) => s.attempt === attempt);
    const end = ends.find((e) => e.attempt === attempt);
    views.push({
      attempt,
      state: end?.state ?? null,
      startedAt: attempt === 1 ? row.started_at : (start?.started_at ?? null),
      endedAt: end?.ended_at ?? null,
      error:
        end?.error_json == null ? null : readStoredJson(end.error_json, () => unreadableError(row)),
    });
  }
  return views;
}

export interface RootRow {
  root_id: string;
  mode: RunMode;
  status: RootView["status"];
  node_version: string | null;
  platform: string | null;
  lockfile_hash: string | null;
  git_commit: string | null;
  notebook_path: string | null;
  hostname: string | null;
  created_at: number;
  last_heartbeat: number;
  cancel_requested_at: number | null;
  package_id?: string | null;
  /** From the `reruns` table (LEFT JOIN): the run this root was rerun from. */
  rerun_of?: string | null;
  from_run_id?: string | null;
}

export function rootView(row: RootRow): RootView {
  return {
    rootId: row.root_id,
    mode: row.mode,
    status: row.status,
    environment: {
      nodeVersion: row.node_version,
      platform: row.platform,
      lockfileHash: row.lockfile_hash,
      gitCommit: row.git_commit,
      notebookPath: row.notebook_path,
      hostname: row.hostname,
      ...(row.package_id ? { packageId: row.package_id } : {}),
    },
    createdAt: row.created_at,
    lastHeartbeatAt: row.last_heartbeat,
    cancelRequested: row.cancel_requested_at !== null,
    rerunOf: row.rerun_of ? { runId: row.rerun_of, from: row.from_run_id ?? null } : null,
  };
}

export interface ArtifactRow {
  id: string;
  type_name: string;
  media_type: string;
  size: number;
  summary_json: string;
}

export function artifactView(row: ArtifactRow): ArtifactView {
  return {
    id: row.id,
    typeName: row.type_name,
    mediaType: row.media_type,
    size: row.size,
    summary: readStoredJson(row.summary_json, () => ({ unreadable: UNREADABLE })),
  };
}

export interface EdgeRow {
  run_id: string;
  direction: "input" | "output";
  name: string;
  artifact_id: string;
}

export function edgeView(row: EdgeRow): EdgeView {
  return {
    runId: row.run_id,
    direction: row.direction,
    name: row.name,
    artifactId: row.artifact_id,
  };
}
