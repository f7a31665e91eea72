/**
 * Where a resolution looks up and records cached step results. The silent runner uses a process-wide
 * in-memory store (so re-running a notebook cell reuses results); the tracked runner asks the server.
 */
import { processGlobal } from "../process-global";
import type { ArtifactInfo } from "../types/artifact";

/**
 * A cached result: the run that produced it and its output artifact with the stored bytes. A hit is
 * decoded from the bytes each time, so it is what was stored, whatever later steps did to the
 * object the original run returned.
 */
export interface CachedResult {
  runId: string;
  artifact: ArtifactInfo;
  bytes: Uint8Array;
}

export interface CacheStore {
  lookup(key: string): CachedResult | undefined | Promise<CachedResult | undefined>;
  store(key: string, result: CachedResult): void | Promise<void>;
}

const MAX_ENTRIES = 10_000;

/** An in-memory cache that keeps the most recent {@link MAX_ENTRIES} results. */
export class MemoryCache implements CacheStore {
  private readonly entries = new Map<string, CachedResult>();

  lookup(key: string): CachedResult | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh recency: Map iteration order is insertion order.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  store(key: string, result: CachedResult): void {
    this.entries.delete(key);
    this.entries.set(key, result);
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The process-wide cache of silent runs. */
export function processCache(): MemoryCache {
  return processGlobal("tsematic.memoryCache.v1", () => new MemoryCache());
}
