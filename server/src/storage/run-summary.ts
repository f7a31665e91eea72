/**
 * What tells one pipeline run from another in a list (the runs side panel): how many steps it ran,
 * how many were cache hits and how many failed, and its first inputs as short previews. Asked for
 * with `GET /runs?summary=true`, for the root runs of one page only.
 *
 * @example
 * ```ts
 * rootSummary(db, rootId); // { steps: 9, cached: 2, failed: 0, inputs: [{ name: "n", preview: "20" }] }
 * ```
 */
import type { Db } from "./db";
import { runPorts } from "./graph";

/** The inputs a summary previews, and the longest preview. */
const INPUTS = 3;
const PREVIEW_CHARS = 40;

export interface RunListSummary {
  /** Runs under the root (all depths). */
  steps: number;
  /** Of those, cache hits (their outputs reused). */
  cached: number;
  /** Of those, failed or nested-failed. */
  failed: number;
  /** The root's first inputs: the name and a short preview of each value. */
  inputs: { name: string; preview: string }[];
}

/** The summary of root run `rootId` (zeros and no inputs for a run that is not a root). */
export function rootSummary(db: Db, rootId: string): RunListSummary {
  const counts = db
    .prepare<[string], { steps: number; cached: number | null; failed: number | null }>(
      `SELECT count(*) AS steps,
              sum(original_run_id IS NOT NULL) AS cached,
              sum(state IN ('failed', 'nested-failed')) AS failed
       FROM runs WHERE root_id = ? AND id != root_id`,
    )
    .get(rootId);
  const inputs = runPorts(db, rootId, "input")
    .slice(0, INPUTS)
    .map((port) => ({ name: port.name, preview: preview(port.artifact) }));
  return {
    steps: counts?.steps ?? 0,
    cached: counts?.cached ?? 0,
    failed: counts?.failed ?? 0,
    inputs,
  };
}

/** The summary's own preview (JSON values), a table's shape, else the value's type. */
function preview(artifact: { typeName: string; summary: Record<string, unknown> }): string {
  const s = artifact.summary;
  let text: string;
  if (typeof s.preview === "string") text = s.preview;
  else if (typeof s.numRows === "number") text = `${artifact.typeName} ${s.numRows} rows`;
  else text = artifact.typeName;
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}
