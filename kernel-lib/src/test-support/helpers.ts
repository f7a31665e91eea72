/** Small helpers shared by the kernel-lib tests. */
import { setTimeout as sleep } from "node:timers/promises";

export { sleep };

/** Records which steps are running at once, to prove (or bound) concurrency. */
export class ConcurrencyProbe {
  running = 0;
  maxRunning = 0;
  readonly order: string[] = [];

  async during<T>(label: string, ms: number, value: T): Promise<T> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.order.push(`start:${label}`);
    await sleep(ms);
    this.order.push(`end:${label}`);
    this.running--;
    return value;
  }
}
