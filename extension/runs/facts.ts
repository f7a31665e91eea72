/**
 * The second line of a run in the runs panel: what tells five "pipeline" rows apart besides their
 * time. Duration (so far, while it runs), steps, cache hits and failures, tags and the first
 * inputs, from the run listing (`GET /runs?root=true&summary=true`).
 *
 * @example
 * ```ts
 * runFacts({ ...run, startedAt: 0, endedAt: 2300, summary: { steps: 9, cached: 2, failed: 0,
 *   inputs: [{ name: "n", preview: "20" }] } }, Date.now());
 * // { duration: "2.3 s", counts: "9 steps · 2 cached", tags: "", inputs: "n=20" }
 * ```
 */
import type { IRunSummary } from "../client";

/** The facts of one row, each "" when unknown or empty. */
export interface IRunFacts {
  readonly duration: string;
  readonly counts: string;
  readonly tags: string;
  readonly inputs: string;
}

/** The facts of `run`; `now` (milliseconds since the epoch) times a run that has not ended. */
export function runFacts(run: IRunSummary, now: number): IRunFacts {
  const summary = run.summary;
  const counts: string[] = [];
  if (summary) {
    counts.push(`${summary.steps} ${summary.steps === 1 ? "step" : "steps"}`);
    if (summary.cached > 0) {
      counts.push(`${summary.cached} cached`);
    }
    if (summary.failed > 0) {
      counts.push(`${summary.failed} failed`);
    }
  }
  return {
    duration: duration(run, now),
    counts: counts.join(" · "),
    tags: run.tags.map((tag) => `#${tag}`).join(" "),
    inputs: (summary?.inputs ?? []).map((input) => `${input.name}=${input.preview}`).join(", "),
  };
}

function duration(run: IRunSummary, now: number): string {
  if (run.startedAt === undefined || run.startedAt === null) {
    return "";
  }
  const ended = run.endedAt !== undefined && run.endedAt !== null;
  const ms = Math.max(0, (ended ? run.endedAt! : now) - run.startedAt);
  const text =
    ms < 1000
      ? `${ms} ms`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return ended ? text : `${text} so far`;
}
