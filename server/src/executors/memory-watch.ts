/**
 * The out-of-memory watchdog: samples the resident memory of every process of each watched process
 * group, keeps each group's peak, and reports a group the moment it is past its limit.
 *
 * One timer and one read of the process table serve every watched group, so the cost per sample
 * does not grow with the number of jobs (only with the processes of the machine). A group's memory
 * is the sum of its processes' RSS: pages shared between them count once per process, which can only
 * overstate the use (a job is never let past its limit because its pages are shared).
 *
 * @example
 * ```ts
 * const watch = new MemoryWatch(200);
 * const sample = watch.watch(pgid, 150 * 1024, (peakKiB) => killGroup(pgid));
 * // ... later, once the job has exited:
 * sample.stop();
 * console.log(`peak ${Math.ceil(sample.peakKiB / 1024)} MiB`);
 * ```
 */
import { readProcessTable, residentKiB } from "./procfs";

/** One watched group: its peak so far; stop() ends the sampling of it. */
export interface GroupMemory {
  readonly peakKiB: number;
  stop(): void;
}

interface Watched {
  pgid: number;
  limitKiB: number;
  peakKiB: number;
  over: ((peakKiB: number) => void) | undefined;
}

/** Samples watched groups every `intervalMs` (≤ 250 ms, as the contract asks). */
export class MemoryWatch {
  private readonly groups = new Set<Watched>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 200) {}

  /**
   * Watches a group. `limitKiB` 0 means no limit (the peak is still kept, for failure messages).
   * `over` is called once, with the peak, from the first sample past the limit.
   */
  watch(pgid: number, limitKiB: number, over: (peakKiB: number) => void): GroupMemory {
    const watched: Watched = { pgid, limitKiB, peakKiB: 0, over };
    this.groups.add(watched);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.sample(), this.intervalMs);
      // The jobs' processes keep the server alive, not the watchdog.
      this.timer.unref();
    }
    // A process that allocates at once should not get a whole interval ahead of the first sample.
    this.sampleGroup(watched, readProcessTable());
    return {
      get peakKiB() {
        return watched.peakKiB;
      },
      stop: () => {
        this.groups.delete(watched);
        if (this.groups.size === 0 && this.timer !== undefined) {
          clearInterval(this.timer);
          this.timer = undefined;
        }
      },
    };
  }

  /** Takes one sample of every watched group now (also what the timer does). */
  sample(): void {
    if (this.groups.size === 0) return;
    const table = readProcessTable();
    for (const watched of this.groups) this.sampleGroup(watched, table);
  }

  private sampleGroup(watched: Watched, table: ReturnType<typeof readProcessTable>): void {
    let totalKiB = 0;
    for (const entry of table) {
      if (entry.pgrp !== watched.pgid || entry.state === "Z") continue;
      totalKiB += residentKiB(entry.pid) ?? 0;
    }
    if (totalKiB > watched.peakKiB) watched.peakKiB = totalKiB;
    if (watched.limitKiB > 0 && totalKiB > watched.limitKiB && watched.over) {
      const over = watched.over;
      watched.over = undefined;
      over(watched.peakKiB);
    }
  }
}
