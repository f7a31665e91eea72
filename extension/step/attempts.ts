/**
 * The attempts of a retried step, as the step panel lists them: each attempt's number, how it
 * ended, how long it ran, and a failed attempt's error (its stack one click away). A step that ran
 * once lists nothing: its header and error say it all.
 *
 * @example
 * ```ts
 * const rows = attemptRows(run.attempts ?? [], Date.now());
 * // [{ attempt: 1, outcome: "failed, retried", duration: "12 ms", error: {...} }, ...]
 * const node = attemptsBlock(rows); // null when there is nothing to list
 * ```
 */
import type * as wire from "../wire";

/** `Attempt` in the OpenAPI file: one attempt of a retried run. */
export type IAttempt = wire.Attempt;

/** One attempt as the panel shows it. */
export interface IAttemptRow {
  readonly attempt: number;
  readonly outcome: string;
  readonly duration: string;
  /** The failed attempt's error. */
  readonly error: { readonly text: string; readonly stack: string | null } | null;
}

const OUTCOMES: Record<string, string> = {
  retrying: "failed, retried",
  resolved: "resolved",
  failed: "failed",
  "nested-failed": "failed (a step it called failed)",
  canceled: "canceled",
};

/** The rows of the attempts list, in order; `now` ends the duration of the attempt still running. */
export function attemptRows(attempts: readonly IAttempt[], now: number): IAttemptRow[] {
  return [...attempts]
    .sort((a, b) => a.attempt - b.attempt)
    .map((a) => ({
      attempt: a.attempt,
      outcome: a.state === null ? "running" : (OUTCOMES[a.state] ?? a.state),
      duration: duration(a, now),
      error: a.error
        ? { text: `${a.error.name}: ${a.error.message}`, stack: a.error.stack ?? null }
        : null,
    }));
}

function duration(a: IAttempt, now: number): string {
  if (a.startedAt === null) {
    return "start not recorded";
  }
  if (a.endedAt === null && a.state !== null) {
    return "end not recorded";
  }
  const ms = Math.max(0, (a.endedAt ?? now) - a.startedAt);
  const text = ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
  return a.endedAt === null ? `${text} so far` : text;
}

/** The "Attempts (n)" section: a heading and one line per attempt; null when there are none. */
export function attemptsBlock(rows: readonly IAttemptRow[]): HTMLElement | null {
  if (rows.length === 0) {
    return null;
  }
  const node = document.createElement("div");
  node.className = "jp-TsematicStep-attempts";
  const heading = document.createElement("h3");
  heading.className = "jp-TsematicStep-section";
  heading.textContent = `Attempts (${rows.length})`;
  const list = document.createElement("ol");
  list.className = "jp-TsematicStep-attemptList";
  for (const row of rows) {
    const item = document.createElement("li");
    item.className = "jp-TsematicStep-attempt";
    item.dataset.attempt = String(row.attempt);
    const line = document.createElement("div");
    line.className = "jp-TsematicStep-attemptLine";
    const time = document.createElement("span");
    time.className = "jp-TsematicStep-attemptDuration";
    time.textContent = row.duration;
    line.append(`Attempt ${row.attempt}: ${row.outcome} · `, time);
    item.append(line);
    if (row.error) {
      const message = document.createElement("div");
      message.className = "jp-TsematicStep-attemptError";
      message.textContent = row.error.text;
      item.append(message);
      if (row.error.stack) {
        // The stack is long and usually not needed to tell attempts apart: one click away.
        const details = document.createElement("details");
        const summary = document.createElement("summary");
        summary.textContent = "Stack";
        const pre = document.createElement("pre");
        pre.className = "jp-TsematicArtifact-stack";
        pre.textContent = row.error.stack;
        details.append(summary, pre);
        item.append(details);
      }
    }
    list.append(item);
  }
  node.append(heading, list);
  return node;
}
