/**
 * Figures about this machine and its processes that every benchmark prints beside its timings: the
 * machine is shared, so wall time alone does not say whether a change helped.
 */
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";

/** `load 1.52 1.20 0.90` (1, 5 and 15 minutes), to print with the figures measured under it. */
export function loadAverage(): string {
  return `load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`;
}

/** A process's resident set now and at its peak (VmRSS, VmHWM), in MiB. */
export function memoryOf(pid: number | "self"): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
}

/** Wall and CPU (user + system) time of this process while `fn` runs, in milliseconds. */
export async function measure(
  fn: () => Promise<unknown>,
): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from /proc: what a server
 * process spent, which on a loaded machine says more than the wall time it took.
 */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command (which may contain spaces) in parentheses: utime is the 14th field.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;
