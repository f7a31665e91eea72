/**
 * The server as a cache store: `cache: true` steps reuse outputs of earlier runs with the same key.
 * Lookups made in the same tick travel in one request (a rerun of a wide fan-out asks for thousands
 * of keys at once); small cached values come back inline, larger ones are fetched by content address.
 */
import type { CacheStore, CachedResult } from "../runner/cache-store";
import type { ArtifactInfo } from "../types/artifact";
import { markStored } from "./artifact-uploader";
import { ServerRefusedError, type ServerClient } from "./http";
import { retryWhileUnavailable } from "./retry";

/** One hit as the batch route returns it. */
interface HitBody {
  run: { id: string };
  outputs: Array<{ name: string; artifact: ArtifactInfo; bytes?: string }>;
}

interface Waiting {
  key: string;
  resolve: (hit: CachedResult | undefined) => void;
  reject: (error: unknown) => void;
}

const MAX_KEYS_PER_REQUEST = 1_000;

export class RemoteCache implements CacheStore {
  private waiting: Waiting[] = [];
  private scheduled = false;
  /** Whether the server has the batch route (else one GET per key). */
  private batchRoute = true;
  /**
   * Whether the server answers hits with their run's id only (`run: "id"`): a server from before
   * that option refuses the field (400), and is then asked for whole runs, of which only the id is read.
   */
  private runIdsOnly = true;

  constructor(
    private readonly client: ServerClient,
    private readonly giveUpMs = 60_000,
  ) {}

  lookup(key: string): Promise<CachedResult | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.sendWaiting());
      }
    });
  }

  store(): void {
    // The server learns cache keys from the run events themselves: nothing to send.
  }

  private sendWaiting(): void {
    this.scheduled = false;
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, MAX_KEYS_PER_REQUEST);
      this.lookupGroup(group.map((w) => w.key)).then(
        (hits) => group.forEach((w) => w.resolve(hits.get(w.key))),
        (error: unknown) => group.forEach((w) => w.reject(error)),
      );
    }
  }

  private async lookupGroup(keys: string[]): Promise<Map<string, CachedResult>> {
    let bodies: Map<string, HitBody> | undefined;
    if (this.batchRoute) {
      try {
        bodies = await this.batchLookup(keys);
      } catch (error) {
        if (!(error instanceof ServerRefusedError && /failed with 404/.test(error.message))) {
          throw error;
        }
        this.batchRoute = false;
      }
    }
    if (!bodies) {
      bodies = new Map();
      const found = await Promise.all(keys.map((key) => this.singleLookup(key)));
      keys.forEach((key, i) => found[i] && bodies!.set(key, found[i]!));
    }
    const results = new Map<string, CachedResult>();
    await Promise.all(
      [...bodies].map(async ([key, hit]) => {
        const result = await this.toResult(hit);
        if (result) results.set(key, result);
      }),
    );
    return results;
  }

  private async batchLookup(keys: string[]): Promise<Map<string, HitBody>> {
    let answer: { hits: Record<string, HitBody> } | undefined;
    await retryWhileUnavailable(
      async () => {
        const body = { keys, inlineBytes: 64 * 1024 };
        if (this.runIdsOnly) {
          try {
            answer = await this.client.json("POST", "/cache/lookups", { ...body, run: "id" });
            return;
          } catch (error) {
            if (!(error instanceof ServerRefusedError && /failed with 400/.test(error.message))) {
              throw error;
            }
            this.runIdsOnly = false;
          }
        }
        answer = await this.client.json("POST", "/cache/lookups", body);
      },
      this.giveUpMs,
      () => `cache lookups at ${this.client.url} failed`,
    );
    return new Map(Object.entries(answer!.hits));
  }

  private async singleLookup(key: string): Promise<HitBody | undefined> {
    let hit: HitBody | undefined;
    await retryWhileUnavailable(
      async () => {
        const res = await this.client.request("GET", `/cache/${key}`, { allow: [404] });
        if (res.status === 404) {
          await res.body?.cancel();
          hit = undefined;
        } else {
          hit = (await res.json()) as HitBody;
        }
      },
      this.giveUpMs,
      () => `the cache lookup at ${this.client.url} failed`,
    );
    return hit;
  }

  private async toResult(hit: HitBody): Promise<CachedResult | undefined> {
    const output = hit.outputs.find((o) => o.name === "output") ?? hit.outputs[0];
    if (!output) return undefined;
    const { id, typeName, mediaType, size, summary } = output.artifact;
    let bytes: Uint8Array;
    if (output.bytes !== undefined) {
      bytes = Buffer.from(output.bytes, "base64");
    } else {
      const res = await this.client.request("GET", `/artifacts/${id}/value`);
      bytes = new Uint8Array(await res.arrayBuffer());
    }
    // The server has these bytes: a run that shows the hit (and keeps its bytes) uploads nothing.
    markStored(this.client.url, id);
    return { runId: hit.run.id, artifact: { id, typeName, mediaType, size, summary }, bytes };
  }
}
