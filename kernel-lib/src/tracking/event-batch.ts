/**
 * One request body of run events, `{"events":[...]}`, filled as events come and kept as UTF-8 bytes
 * until the server acknowledges it. Bytes outside the JavaScript heap, in a few large buffers, cost
 * the garbage collector nothing, where tens of thousands of queued JSON strings (each a small tree
 * of string parts) were copied from generation to generation; the body is sent as it is, without
 * joining or encoding it again.
 *
 * @example
 * ```ts
 * const batch = new EventBatch(1_000_000, 2_000);
 * if (!batch.add(JSON.stringify(event))) startAnotherBatch();
 * await client.post("/events", batch.seal());
 * ```
 */
const OPEN = Buffer.from('{"events":[');
const CLOSE = Buffer.from("]}");
const EMPTY = Buffer.alloc(0);
/** A new batch's first buffer: a few hundred events; it doubles as they come. */
const FIRST_CAPACITY = 64 * 1024;

export class EventBatch {
  private buffer: Buffer;
  private used: number;
  private body: Buffer | undefined;
  /** Events in the batch. */
  count = 0;

  constructor(
    /** Most bytes of the whole body (the server's limit). */
    private readonly maxBytes: number,
    /** Most events (the server's limit). */
    private readonly maxCount: number,
    /** A buffer an acknowledged batch gave back ({@link recycle}): written over from the start. */
    reuse?: Buffer,
  ) {
    this.buffer = reuse ?? Buffer.allocUnsafe(FIRST_CAPACITY);
    this.used = OPEN.copy(this.buffer, 0);
  }

  /**
   * Gives the batch's buffer back for the next batch, once the server acknowledged the body: a
   * stream of batches then writes into memory it already has, where each new batch grew a fresh
   * buffer to about a MiB (each growth a copy, each fresh block page-faulted in). The batch is
   * unusable afterwards.
   */
  recycle(): Buffer {
    const buffer = this.buffer;
    this.buffer = EMPTY;
    this.body = EMPTY;
    return buffer;
  }

  /** Bytes of the body so far. */
  get bytes(): number {
    return this.used + CLOSE.length;
  }

  get sealed(): boolean {
    return this.body !== undefined;
  }

  /**
   * Appends one event's JSON. False when the batch is sealed or full (by count, or by bytes with
   * this event); an event too large for any batch still goes alone into an empty one, so that the
   * server says why it refuses it.
   */
  add(json: string): boolean {
    if (this.body || this.count >= this.maxCount) return false;
    const start = this.count > 0 ? this.used + 1 : this.used;
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    this.reserve(start + json.length * 3 + CLOSE.length);
    const written = this.buffer.write(json, start, "utf8");
    if (this.count > 0 && start + written + CLOSE.length > this.maxBytes) return false;
    if (this.count > 0) this.buffer[this.used] = 0x2c; // ","
    this.used = start + written;
    this.count++;
    return true;
  }

  /** Ends the batch: nothing more is added. Returns the body to send (the same on every call). */
  seal(): Buffer {
    if (!this.body) {
      this.reserve(this.used + CLOSE.length);
      CLOSE.copy(this.buffer, this.used);
      this.body = this.buffer.subarray(0, this.used + CLOSE.length);
    }
    return this.body;
  }

  private reserve(size: number): void {
    if (size <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(size, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}
