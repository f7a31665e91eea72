/** A counting semaphore with a FIFO queue: bounds how many step bodies run at once. */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    this.available = capacity;
  }

  /** Resolves once a slot is held. */
  acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    // Hand the slot straight to the next waiter so a newcomer cannot overtake it.
    if (next) next();
    else this.available++;
  }

  /** Slots in use (for tests and diagnostics). */
  get inUse(): number {
    return this.capacity - this.available;
  }
}
