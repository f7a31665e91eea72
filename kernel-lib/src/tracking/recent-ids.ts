/**
 * A set of ids that remembers at most a fixed number, forgetting the oldest first. The artifact
 * uploader remembers what each server already stores so as not to send it twice; a kernel that runs
 * sweeps of 100,000 steps all day must not keep every id it ever sent. Forgetting one costs at most
 * one more upload, which the server takes as a no-op (artifacts are content-addressed).
 *
 * @example
 * ```ts
 * const stored = new RecentIds(100_000);
 * stored.add(id);
 * stored.has(id); // true, until 100,000 newer ids came after it
 * ```
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    if (this.ids.size >= this.capacity) {
      // A Set iterates in insertion order: the first is the oldest.
      this.ids.delete(this.ids.values().next().value!);
    }
    this.ids.add(id);
  }

  delete(id: string): void {
    this.ids.delete(id);
  }
}
