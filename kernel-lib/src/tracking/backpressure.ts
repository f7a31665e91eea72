/**
 * Back-pressure between a run and its uploaders: a run emits events faster than a lineage server
 * stores them (a 100,000-step fan-out makes 800,000), and every event not yet acknowledged must stay
 * in memory. While an uploader holds more than its high-water mark, steps wait before they start;
 * once it is below again they are let through in small slices, oldest first, so that the queue
 * refills gradually instead of all waiting steps emitting at once.
 *
 * @example
 * ```ts
 * const gate = new Backpressure(() => queue.length > 20_000);
 * const wait = gate.wait(); // undefined while there is room: the common case costs nothing
 * if (wait) await wait;
 * // ... and after each acknowledged batch:
 * gate.room();
 * ```
 */

/** Steps let through at once when there is room: a few batches' worth of events, not all waiting steps. */
const SLICE = 256;

export class Backpressure {
  private readonly waiting: Array<() => void> = [];
  private releasing = false;
  private open = false;

  constructor(
    /** Whether the uploader holds more than it wants to. */
    private readonly full: () => boolean,
  ) {}

  /** A promise to await before starting more work, or undefined when there is room now. */
  wait(): Promise<void> | undefined {
    if (this.open || (this.waiting.length === 0 && !this.full())) return undefined;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Called when the uploader shrank (a batch was acknowledged): lets waiting steps through. */
  room(): void {
    if (this.releasing || this.waiting.length === 0) return;
    this.releasing = true;
    // One slice now; the next once the steps let through have run (and emitted) in later turns.
    const next = (): void => {
      if (!this.open && this.full()) {
        this.releasing = false;
        return;
      }
      for (const resolve of this.waiting.splice(0, SLICE)) resolve();
      if (this.waiting.length > 0) setImmediate(next);
      else this.releasing = false;
    };
    next();
  }

  /** Lets every waiting and later step through (the uploader failed: the run is being stopped). */
  release(): void {
    this.open = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
