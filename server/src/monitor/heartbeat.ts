/**
 * Ends the runs of clients that stopped responding. A client proves it is alive with heartbeats and
 * with events; a root silent for longer than the timeout has its open runs failed (or canceled, when
 * a cancel was requested) so that nothing stays "running" forever after a crash.
 */
import type { LiveGraphs } from "../live/hub";
import type { Db } from "../storage/db";
import { abandonRoot, silentRoots } from "../storage/roots";

export class HeartbeatMonitor {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly live: LiveGraphs,
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly log: (message: string) => void,
  ) {}

  start(): void {
    const every = Math.max(20, Math.min(1000, Math.floor(this.timeoutMs / 4)));
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass: abandons every root silent for longer than the timeout. Returns their ids. */
  sweep(): string[] {
    const now = this.now();
    const abandoned: string[] = [];
    try {
      for (const { rootId, lastHeartbeat } of silentRoots(this.db, now - this.timeoutMs)) {
        const changed = abandonRoot(this.db, rootId, now, now - lastHeartbeat);
        this.live.refreshRuns(rootId, changed);
        this.live.refreshRoot(rootId);
        abandoned.push(rootId);
      }
    } catch (err) {
      this.log(`heartbeat sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return abandoned;
  }
}
