/**
 * How a Slurm job that ended without its worker's report failed, in the failure classes of the
 * executor interface: OUT_OF_MEMORY → out-of-memory (asked vs used, when the job's output says),
 * TIMEOUT and DEADLINE → timeout, NODE_FAIL and BOOT_FAIL → node-failure, PREEMPTED → preempted,
 * CANCELLED → canceled, FAILED → the signal or exit code, COMPLETED → no failure (the scheduler
 * then treats the silent worker as lost).
 *
 * @example
 * ```ts
 * slurmFailure({ jobId: 12, state: "OUT_OF_MEMORY", ... }, { askedMiB: 300, canceledByUs: false });
 * // { kind: "out-of-memory", message: "Slurm job 12 ran out of memory: it asked for 300 MiB ...", ... }
 * ```
 */
import type { JobFailure } from "../types";
import type { SlurmJob } from "./versions";

export interface FailureFacts {
  askedMiB: number;
  /** Peak memory from the job's output (slurmstepd's "exceeded memory limit" line), when readable. */
  usedMiB?: number;
  canceledByUs: boolean;
  /** The last lines of the job's node-local output, when this machine can read it. */
  logTail?: string;
  output: string;
}

export function slurmFailure(job: SlurmJob, facts: FailureFacts): JobFailure | undefined {
  const id = `Slurm job ${job.jobId}${job.arrayTaskId !== undefined ? `_${job.arrayTaskId}` : ""}`;
  const where = job.nodes ? ` on ${job.nodes}` : "";
  const reason = job.reason ? ` (reason: ${job.reason})` : "";
  const seeLog = `see the step's log (tsematic logs <runId>) and the job's output on its node: ${facts.output}`;
  const ended = {
    ...(job.exitCode !== null ? { exitCode: job.exitCode } : {}),
    ...(job.signal !== null ? { signal: job.signal } : {}),
  };
  switch (job.state) {
    case "OUT_OF_MEMORY": {
      // The job's memory cgroup (ConstrainRAMSpace) holds it at its limit and the kernel kills it
      // there: its peak IS the limit (memory.max_usage_in_bytes reads the limit, and the cgroup is
      // gone when slurmstepd reports), and what it tried to allocate is known to no one. Where
      // Slurm samples /proc instead (no cgroup v1: OverMemoryKill), its output says the peak.
      const used = facts.usedMiB ?? facts.askedMiB;
      return {
        kind: "out-of-memory",
        message:
          `${id} ran out of memory${where}: it asked for ${facts.askedMiB} MiB and ` +
          (facts.usedMiB !== undefined
            ? `used ${facts.usedMiB} MiB`
            : `reached that limit, where its memory cgroup stopped it (its peak is the limit)`),
        // Named as a step declares it (`func({ resources: { memoryMiB } })`): the line to change.
        hint: `raise the step's resources.memoryMiB above ${used}, or use less memory in it; ${outputAt(facts.output)}`,
        memory: { askedMiB: facts.askedMiB, usedMiB: used },
      };
    }
    case "TIMEOUT":
    case "DEADLINE":
      return {
        kind: "timeout",
        message: `${id} reached its time limit${job.timeLimitMinutes !== undefined ? ` of ${job.timeLimitMinutes} min` : ""}${where} and Slurm stopped it${reason}`,
        hint: `raise the step's timeoutMs (Slurm's --time is rounded up to whole minutes), or make the step faster; ${outputAt(facts.output)}`,
        ...(job.timeLimitMinutes !== undefined ? { timeoutMs: job.timeLimitMinutes * 60_000 } : {}),
        ...ended,
      };
    case "NODE_FAIL":
    case "BOOT_FAIL":
      return {
        kind: "node-failure",
        message: `${id} ended ${job.state}${where}: ${job.state === "BOOT_FAIL" ? "its node failed to boot" : "its node failed"}${reason}`,
        hint: `nothing to change in the step: the run is requeued as its next attempt; ${outputAt(facts.output)}`,
        ...ended,
      };
    case "PREEMPTED":
      return {
        kind: "preempted",
        message: `${id} was preempted${where}${reason}`,
        hint: `nothing to change in the step: the run is requeued as its next attempt; ${outputAt(facts.output)}`,
        ...ended,
      };
    case "CANCELLED":
      return {
        kind: "canceled",
        message: facts.canceledByUs
          ? `${id} was canceled with its root run`
          : `${id} was cancelled in Slurm by someone outside Tsematic (scancel or an administrator)${reason}`,
        hint: facts.canceledByUs
          ? "nothing to change: the root run was canceled"
          : "submit the pipeline again, or ask the site why the job was cancelled",
        ...ended,
      };
    case "FAILED":
      if (job.signal) {
        return {
          kind: "signal",
          message: `${id} was killed by ${job.signal}${where}${reason}`,
          hint: seeLog,
          signal: job.signal,
        };
      }
      return {
        kind: "exit-code",
        message: `${id} exited with code ${job.exitCode ?? "?"}${where} before its worker reported how its job ended${reason}${tail(facts.logTail)}`,
        hint: seeLog,
        ...ended,
      };
    default:
      return undefined;
  }
}

/**
 * A Slurm job that slurmctld no longer knows (it ended and aged out, MinJobAge, before a poll saw
 * how), with no report from its worker: lost, with what Slurm said of it last and where its output is.
 */
export function forgottenFailure(
  slurmJobId: string,
  lastSeen: SlurmJob | undefined,
  output: string,
): JobFailure {
  // A job can start, run and be forgotten between two polls (they back off to 30 s while nothing
  // changes, and a loaded server polls late): then no poll ever listed it, and the message says so
  // rather than leaving out what Slurm said.
  const seen = lastSeen
    ? ` (Slurm last said ${lastSeen.state}${lastSeen.nodes ? ` on ${lastSeen.nodes}` : ""}${lastSeen.reason && lastSeen.reason !== "None" ? `, reason ${lastSeen.reason}` : ""})`
    : " (no poll of Slurm had listed it yet)";
  return {
    kind: "lost",
    message: `Slurm no longer knows job ${slurmJobId}${seen} and its worker never reported how it ended; its output on its node: ${output}`,
    hint: "nothing to change: the run is requeued as its next attempt (slurmctld forgets ended jobs after MinJobAge)",
  };
}

/** Slurm refused the submission (or could not be reached). */
export function submitFailure(message: string): JobFailure {
  return {
    kind: "node-failure",
    message: `Slurm did not take the job: ${message}`,
    hint: "see the server's log; check the --slurm-* settings of tsematic server",
  };
}

/** Kept for diagnosis (a worker that reported removes its output): where it is. */
function outputAt(output: string): string {
  return `the job's output on its node: ${output}`;
}

function tail(logTail: string | undefined): string {
  if (!logTail) return "";
  const last = logTail.trim().split("\n").slice(-3).join(" | ").slice(0, 400);
  return last ? `; its output ends: ${last}` : "";
}

/** slurmstepd's "Job 12 exceeded memory limit (3150000 > 300000), being killed" → MiB used. */
export function usedFromOutput(output: string): number | undefined {
  const m = /exceeded memory limit \((\d+) > (\d+)\)/.exec(output);
  return m ? Math.ceil(Number(m[1]) / 1024) : undefined;
}
