/**
 * "Was this event applied before?" for idempotent ingest, cheaply.
 *
 * Event ids are `<rootId>:<writer>:<seq>` with seq counting up from 1 per writer (a run id and an
 * attempt: the process writing), so a worker and its driver number their events independently. For
 * each writer the store keeps a watermark: every seq up to it is applied. An event at or below the
 * watermark is a duplicate; the next one just moves the watermark. Only an event that arrives ahead
 * of a gap (a client that sent out of order) is recorded by id in `processed_events`, and absorbed
 * into the watermark once the gap closes. Used inside the batch's transaction: a refused batch
 * leaves both untouched.
 *
 * The watermark's key (column `event_sequences.root_id`, named before writers existed) is the event
 * id without its seq: `<rootId>:<writer>`, or `<rootId>` alone for the older ids `<rootId>:<seq>`
 * that clients from before writers send (one writer per root), so their stored watermarks still
 * hold. An event recorded ahead of a gap is stored under its own id, which is `<key>:<seq>`.
 */
import type { Db } from "./db";

interface WriterSequence {
  applied: number;
  /** Whether processed_events may hold seqs of this writer above the watermark. */
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
    // ':' + 1 is ';': the range of ids with this writer's prefix (for an older root-only key it
    // also spans the root's writers: then `ahead` may be true for nothing, which costs a lookup).
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
  load(key: string): WriterSequence {
    const applied = this.getApplied.get(key)?.applied ?? 0;
    const ahead = this.countAhead.get(`${key}:`, `${key};`)!.n > 0;
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
  saveApplied(key: string, applied: number): void {
    this.setApplied.run(key, applied);
  }
}

export class BatchSequences {
  private readonly writers = new Map<string, WriterSequence>();

  constructor(private readonly store: EventSequences) {}

  /**
   * Marks the event applied; returns false when it already was (a duplicate). `key` is the writer's
   * key (the event id without `:<seq>`).
   */
  firstTime(key: string, seq: number): boolean {
    let writer = this.writers.get(key);
    if (!writer) {
      writer = this.store.load(key);
      this.writers.set(key, writer);
    }
    if (seq <= writer.applied) return false;
    if (seq > writer.applied + 1) {
      writer.ahead = true;
      return this.store.recordEventAhead(`${key}:${seq}`);
    }
    // Recorded ahead of a gap earlier (or by a store from before watermarks): seen before.
    const seenBefore = writer.ahead && this.store.takeEventAhead(`${key}:${seq}`);
    writer.applied = seq;
    writer.dirty = true;
    // Close the gap behind events that arrived early.
    while (writer.ahead && this.store.takeEventAhead(`${key}:${writer.applied + 1}`)) {
      writer.applied++;
    }
    return !seenBefore;
  }

  save(): void {
    for (const [key, writer] of this.writers) {
      if (writer.dirty) this.store.saveApplied(key, writer.applied);
    }
  }
}
