/**
 * "Was this event applied before?" for idempotent ingest, cheaply.
 *
 * Event ids are `<rootId>:<seq>` with seq counting up from 1 per root run. For each root the store
 * keeps a watermark: every seq up to it is applied. An event at or below the watermark is a
 * duplicate; the next one just moves the watermark. Only an event that arrives ahead of a gap (a
 * client that sent out of order) is recorded by id in `processed_events`, and absorbed into the
 * watermark once the gap closes. Used inside the batch's transaction: a refused batch leaves both
 * untouched.
 */
import type { Db } from "./db";

interface RootSequence {
  applied: number;
  /** Whether processed_events may hold seqs of this root above the watermark. */
  ahead: boolean;
  dirty: boolean;
}

export class EventSequences {
  private readonly getApplied;
  private readonly setApplied;
  private readonly countAhead;
  private readonly recordAhead;
  private readonly takeAhead;

  constructor(db: Db) {
    this.getApplied = db.prepare<[string], { applied: number }>(
      "SELECT applied FROM event_sequences WHERE root_id = ?",
    );
    this.setApplied = db.prepare(
      `INSERT INTO event_sequences (root_id, applied) VALUES (?, ?)
       ON CONFLICT (root_id) DO UPDATE SET applied = excluded.applied`,
    );
    // ':' + 1 is ';': the range of ids with this root's prefix.
    this.countAhead = db.prepare<[string, string], { n: number }>(
      "SELECT count(*) AS n FROM processed_events WHERE id > ? AND id < ?",
    );
    this.recordAhead = db.prepare("INSERT OR IGNORE INTO processed_events (id) VALUES (?)");
    this.takeAhead = db.prepare("DELETE FROM processed_events WHERE id = ?");
  }

  /** A view for one batch; call {@link BatchSequences.save} before the transaction commits. */
  batch(): BatchSequences {
    return new BatchSequences(this);
  }

  /** @internal */
  load(rootId: string): RootSequence {
    const applied = this.getApplied.get(rootId)?.applied ?? 0;
    const ahead = this.countAhead.get(`${rootId}:`, `${rootId};`)!.n > 0;
    return { applied, ahead, dirty: false };
  }

  /** @internal Records an event ahead of a gap; false if it was recorded before. */
  recordEventAhead(id: string): boolean {
    return this.recordAhead.run(id).changes > 0;
  }

  /** @internal Removes a recorded event id; true if it was there. */
  takeEventAhead(id: string): boolean {
    return this.takeAhead.run(id).changes > 0;
  }

  /** @internal */
  saveApplied(rootId: string, applied: number): void {
    this.setApplied.run(rootId, applied);
  }
}

export class BatchSequences {
  private readonly roots = new Map<string, RootSequence>();

  constructor(private readonly store: EventSequences) {}

  /** Marks the event applied; returns false when it already was (a duplicate). */
  firstTime(rootId: string, seq: number): boolean {
    let root = this.roots.get(rootId);
    if (!root) {
      root = this.store.load(rootId);
      this.roots.set(rootId, root);
    }
    if (seq <= root.applied) return false;
    if (seq > root.applied + 1) {
      root.ahead = true;
      return this.store.recordEventAhead(`${rootId}:${seq}`);
    }
    // Recorded ahead of a gap earlier (or by a store from before watermarks): seen before.
    const seenBefore = root.ahead && this.store.takeEventAhead(`${rootId}:${seq}`);
    root.applied = seq;
    root.dirty = true;
    // Close the gap behind events that arrived early.
    while (root.ahead && this.store.takeEventAhead(`${rootId}:${root.applied + 1}`)) root.applied++;
    return !seenBefore;
  }

  save(): void {
    for (const [rootId, root] of this.roots) {
      if (root.dirty) this.store.saveApplied(rootId, root.applied);
    }
  }
}
