/**
 * Exit classification: how a job's process ended, as a {@link JobFailure} that says what happened
 * and what to change.
 *
 * What the executor did wins over how the process ended: a job the watchdog killed for memory is
 * `out-of-memory`, one the wall clock stopped is `timeout`, one `cancel()` stopped is `canceled`,
 * whatever exit code or signal the process then showed (a worker that catches SIGTERM and exits 1
 * was still canceled). Otherwise a Node heap abort found in the log tail is `out-of-memory`, a
 * non-zero exit is `exit-code`, a signal nobody here sent is `signal`, and exit 0 is no failure (the
 * scheduler learns the step's own outcome from the worker's `finished`).
 *
 * @example
 * ```ts
 * classifyExit({ exitCode: 3, signal: null, askedMiB: 0, peakMiB: 40, logTail: "", logFile: "/d/j.log" });
 * // { kind: "exit-code", exitCode: 3, message: "the job's process exited with code 3",
 * //   hint: "see the job's log: /d/j.log ..." }
 * ```
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { JobFailure } from "./types";

/** describeFailure reads at most this much of the end of a job's log. */
export const LOG_TAIL_BYTES = 1024 * 1024;

/** What the executor itself did to end a job, if anything. */
export type StopCause =
  | { kind: "out-of-memory" }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "canceled" }
  | { kind: "node-failure"; reason: string };

/** Everything known about a job's end. */
export interface ExitFacts {
  exitCode: number | null;
  signal: string | null;
  cause?: StopCause;
  /** The process could not be started at all (no such program, no such cwd). */
  spawnError?: Error;
  /** memoryMiB asked (0 when unset) and the peak resident memory sampled, in MiB. */
  askedMiB: number;
  peakMiB: number;
  /** The end of the job's log (at most {@link LOG_TAIL_BYTES}). */
  logTail: string;
  logFile: string;
  program?: string;
}

/** What Node prints to stderr before aborting when its heap limit is reached. */
const NODE_HEAP_ABORT = "JavaScript heap out of memory";
/** Longest log line quoted in a failure message. */
const QUOTED_LINE_CHARS = 200;

/** Classifies a job's end; undefined for a clean exit 0 that nothing here caused. */
export function classifyExit(facts: ExitFacts): JobFailure | undefined {
  const { exitCode, signal, cause } = facts;
  const seeLog = `see the job's log: ${facts.logFile} (and the step's: tsematic logs <runId>)`;
  const ended = {
    ...(exitCode !== null ? { exitCode } : {}),
    ...(signal !== null ? { signal } : {}),
  };
  const memory = { askedMiB: facts.askedMiB, usedMiB: facts.peakMiB };
  if (facts.spawnError) {
    return {
      kind: "node-failure",
      message: `the job's process could not be started: ${facts.spawnError.message}`,
      hint: `check that the program ${facts.program ?? ""} and the working directory exist on this machine`,
    };
  }
  switch (cause?.kind) {
    case "out-of-memory":
      return {
        kind: "out-of-memory",
        message: `the job's processes used ${facts.peakMiB} MiB, more than the ${facts.askedMiB} MiB it asked for, and were killed`,
        hint: `raise the step's resources.memoryMiB above ${facts.peakMiB} (peak used), or keep less in memory at once`,
        memory,
        ...ended,
      };
    case "timeout":
      return {
        kind: "timeout",
        message: `the job ran longer than its wall-clock limit of ${formatDuration(cause.timeoutMs)} and was stopped`,
        hint: `raise timeoutMs above ${cause.timeoutMs}, or make the step faster; ${seeLog}`,
        timeoutMs: cause.timeoutMs,
        ...ended,
      };
    case "canceled":
      return {
        kind: "canceled",
        message: "the job was canceled on request and its processes were stopped",
        hint: "nothing to fix: run it again to get its result",
        ...ended,
      };
    case "node-failure":
      return {
        kind: "node-failure",
        message: `the job was stopped because ${cause.reason}`,
        hint: "run it again once the server is back (the scheduler requeues a job it lost)",
        ...ended,
      };
  }
  if ((exitCode !== 0 || signal !== null) && facts.logTail.includes(NODE_HEAP_ABORT)) {
    return {
      kind: "out-of-memory",
      message: `Node ran out of heap memory ("${NODE_HEAP_ABORT}") with ${facts.peakMiB} MiB resident`,
      hint:
        `raise Node's heap limit (--max-old-space-size) above what the step needs, and resources.memoryMiB ` +
        `above ${Math.max(facts.peakMiB, facts.askedMiB)} with it, or keep less in memory at once; ${seeLog}`,
      memory,
      ...ended,
    };
  }
  if (signal !== null) {
    const outside =
      signal === "SIGKILL"
        ? " (the kernel's out-of-memory killer sends SIGKILL when the machine runs out of memory)"
        : "";
    return {
      kind: "signal",
      message: `the job's process was killed by ${signal}, which the executor did not send${outside}`,
      hint: `find what stopped it${signal === "SIGKILL" ? ", or lower the memory the machine's jobs use" : ""}; ${seeLog}`,
      signal,
      ...(exitCode !== null ? { exitCode } : {}),
    };
  }
  if (exitCode !== null && exitCode !== 0) {
    const last = lastLine(facts.logTail);
    return {
      kind: "exit-code",
      message: `the job's process exited with code ${exitCode}${last ? `; its log ends: ${last}` : ""}`,
      hint: seeLog,
      exitCode,
    };
  }
  return undefined;
}

/** The last at most {@link LOG_TAIL_BYTES} bytes of a log file, "" when there is none. */
export function readLogTail(file: string, maxBytes = LOG_TAIL_BYTES): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
    // A cut through a multi-byte character decodes as U+FFFD: harmless in a quoted tail.
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function lastLine(text: string): string | undefined {
  const lines = text.split("\n").map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i];
    if (line) {
      return line.length > QUOTED_LINE_CHARS ? `${line.slice(0, QUOTED_LINE_CHARS)}…` : line;
    }
  }
  return undefined;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  return seconds < 120
    ? `${Number(seconds.toFixed(1))} s`
    : `${Number((seconds / 60).toFixed(1))} min`;
}
