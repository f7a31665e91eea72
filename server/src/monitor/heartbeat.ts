/**
 * Ends the runs of clients that stopped responding. A client proves it is alive with heartbeats and
 * with events; a root silent for longer than the timeout has its open runs failed (or canceled, when
 * a cancel was requested) so that nothing stays "running" forever after a crash. A dispatched run
 * holds a lease of its own ({@link renewLease}): a lease not renewed for longer than the timeout
 * ends that run and its open descendants as lost, while the rest of its root goes on.
 *
 * Silence is counted in time the server could listen: while this process is blocked (a long
 * request, a checkpoint, a GC pause, a suspended laptop), heartbeats queue unread in its sockets, so
 * that time is not held against clients. The sweep timer measures those stalls by its own lateness,
 * and each sweep runs after the I/O that was pending when it woke (setImmediate), so heartbeats
 * queued during a stall are recorded before anyone is judged.
 */
import type { LiveGraphs } from "../live/hub";
import type { Db } from "../storage/db";
import { loseRun, silentLeases } from "../storage/leases";
import { abandonRoot, silentRoots } from "../storage/roots";

/** What the scheduler decides about liveness of runs and roots that have jobs. */
export interface JobWatch {
  /**
   * Judges an expired lease of a run that has an open job (checks the process, requeues); false
   * when the run has none, and the lease ends the run as lost here.
   */
  leaseExpired(
    lease: { runId: string; rootId: string; attempt: number },
    silentForMs: number,
  ): boolean;
  /** Whether an open driver job runs this root. */
  drivesRoot(rootId: string): boolean;
  /** The root was abandoned: its jobs are stopped. */
  rootAbandoned(rootId: string): void;
}

/** A span during which this process could not read heartbeats. */
interface Stall {
  from: number;
  to: number;
}

/** Timer lateness below this is ordinary jitter, not a stall worth recording. */
const STALL_THRESHOLD_MS = 10;

export class HeartbeatMonitor {
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private stalls: Stall[] = [];

  constructor(
    private readonly db: Db,
    private readonly live: LiveGraphs,
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly log: (message: string) => void,
    /** The scheduler's side of liveness, for runs and roots that have jobs. */
    private readonly jobs?: JobWatch,
  ) {}

  start(): void {
    const every = Math.max(20, Math.min(1000, Math.floor(this.timeoutMs / 4)));
    this.lastTick = this.now();
    this.timer = setInterval(() => {
      const now = this.now();
      this.recordLateness(now, every);
      // After the I/O callbacks of this loop turn: heartbeats that waited out a stall count first.
      setImmediate(() => {
        if (this.timer !== undefined) this.sweep();
      });
    }, every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Time within [from, to] during which this process was measured to be blocked. */
  stalledBetween(from: number, to: number): number {
    let total = 0;
    for (const s of this.stalls) total += Math.max(0, Math.min(to, s.to) - Math.max(from, s.from));
    return total;
  }

  /**
   * One pass: abandons every root silent for longer than the timeout, and loses every run whose
   * lease was not renewed for longer than it, not counting the server's own stalls. Returns the
   * abandoned roots' ids.
   */
  sweep(): string[] {
    const abandoned = this.sweepRoots();
    this.sweepLeases();
    return abandoned;
  }

  /** Ends the runs whose lease expired; returns their ids (with the open descendants ended too). */
  sweepLeases(): string[] {
    const now = this.now();
    const lost: string[] = [];
    try {
      for (const lease of silentLeases(this.db, now - this.timeoutMs)) {
        const silentFor = now - lease.lastHeartbeat - this.stalledBetween(lease.lastHeartbeat, now);
        if (silentFor <= this.timeoutMs) continue;
        if (this.jobs?.leaseExpired(lease, now - lease.lastHeartbeat)) continue;
        const changed = loseRun(this.db, lease, now, now - lease.lastHeartbeat);
        if (changed.length === 0) continue;
        this.live.refreshRuns(lease.rootId, changed);
        lost.push(...changed);
      }
    } catch (err) {
      this.log(`lease sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return lost;
  }

  private sweepRoots(): string[] {
    const now = this.now();
    const abandoned: string[] = [];
    try {
      for (const { rootId, lastHeartbeat } of silentRoots(this.db, now - this.timeoutMs)) {
        const silentFor = now - lastHeartbeat - this.stalledBetween(lastHeartbeat, now);
        if (silentFor <= this.timeoutMs) continue;
        // A driver job's root lives as long as its job: a lost driver is requeued, not abandoned.
        if (this.jobs?.drivesRoot(rootId)) continue;
        const changed = abandonRoot(this.db, rootId, now, now - lastHeartbeat);
        this.live.refreshRuns(rootId, changed);
        this.live.refreshRoot(rootId);
        abandoned.push(rootId);
        this.jobs?.rootAbandoned(rootId);
      }
    } catch (err) {
      this.log(`heartbeat sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return abandoned;
  }

  /** A tick later than scheduled means the process was blocked for that long. */
  private recordLateness(now: number, every: number): void {
    const late = now - this.lastTick - every;
    this.lastTick = now;
    if (late > STALL_THRESHOLD_MS) this.stalls.push({ from: now - late, to: now });
    // Stalls older than any silence that could still be judged no longer matter.
    const horizon = now - 10 * this.timeoutMs;
    if (this.stalls.length > 0 && this.stalls[0]!.to < horizon) {
      this.stalls = this.stalls.filter((s) => s.to >= horizon);
    }
  }
}
