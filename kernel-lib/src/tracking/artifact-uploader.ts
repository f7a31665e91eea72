/**
 * Uploads artifact bytes, each content address once per server and process. Small artifacts travel
 * together in batch requests (a 10,000-step fan-out has tens of thousands of tiny ones), each batch
 * cut to what the server accepts (artifact count and body bytes after base64, from `GET /health`);
 * large ones are streamed one by one after asking whether the server already has them.
 *
 * Memory stays bounded by the work in flight: artifacts wait in a queue as they are (no copy), and
 * only {@link MAX_BATCHES_IN_FLIGHT} batches are encoded and on the wire at once; the rest are
 * encoded when a slot frees. Above {@link HIGH_WATER_ARTIFACTS} queued artifacts (or
 * {@link HIGH_WATER_BYTES} of them), {@link ArtifactUploader.backlog} makes steps wait before they
 * start (see backpressure.ts). The first failure stops everything else and is reported through
 * `onFailure` (the run is stopped) and by `flush()`.
 */
import type { Artifact } from "../types/artifact";
import { ServerRefusedError, TokenRefusedError, type ServerClient } from "./http";
import { BODY_OVERHEAD, fittingCount, type ServerLimits } from "./limits";
import { Backpressure } from "./backpressure";
import { RecentIds } from "./recent-ids";
import { retryWhileUnavailable, TrackingRefusedError } from "./retry";

export interface ArtifactUploaderOptions {
  /** Artifacts at least this large are uploaded alone, after a HEAD check. */
  largeBytes: number;
  /** A batch is sent once its encoded artifacts add up to this many bytes (at most the server's limit). */
  batchBytes: number;
  lingerMs: number;
  giveUpMs: number;
  /** What one request may carry, as the server states it. */
  limits: ServerLimits;
  /** Called once, at the first failure. */
  onFailure?: (error: Error) => void;
}

/** Batches encoded and sent at once: enough to keep the server busy, few enough to bound memory. */
const MAX_BATCHES_IN_FLIGHT = 4;

/** Queued artifacts above which steps wait: each waits as its bytes, its id and its summary. */
const HIGH_WATER_ARTIFACTS = 20_000;
/** Queued artifact bytes (as encoded in a batch) above which steps wait. */
const HIGH_WATER_BYTES = 64 * 1024 * 1024;

/** JSON bytes of one artifact in a batch besides its base64 bytes: `{"id":"<64>","typeName":"..","bytes":""},`. */
const PER_ARTIFACT_OVERHEAD = 120;

const UPLOADED_KEY = Symbol.for("tsematic.uploadedArtifacts.v2");

/** Content addresses remembered as stored, per server: about 10 MiB of ids at most. */
const REMEMBERED_IDS = 100_000;

/**
 * Content addresses already stored, by server URL: shared by every run of this process, and
 * bounded (a long-lived kernel would otherwise keep every id it ever sent).
 */
export function uploadedOn(url: string): RecentIds {
  const g = globalThis as unknown as Record<symbol, Map<string, RecentIds> | undefined>;
  const byUrl = (g[UPLOADED_KEY] ??= new Map());
  let ids = byUrl.get(url);
  if (!ids) byUrl.set(url, (ids = new RecentIds(REMEMBERED_IDS)));
  return ids;
}

/** Records that the server at `url` already has artifact `id` (e.g. a cache hit's output). */
export function markStored(url: string, id: string): void {
  uploadedOn(url).add(id);
}

/** Size of an artifact in a batch body. */
function encodedBytes(artifact: Artifact): number {
  return (
    Math.ceil(artifact.size / 3) * 4 + Buffer.byteLength(artifact.typeName) + PER_ARTIFACT_OVERHEAD
  );
}

export class ArtifactUploader {
  private readonly uploaded: RecentIds;
  private queue: Artifact[] = [];
  private queuedBytes = 0;
  private batchesInFlight = 0;
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  /** Send partial batches too (the linger time passed, or someone is flushing). */
  private lingered = false;
  private failure: Error | undefined;
  /** Whether the server has the batch route (older servers only take one PUT per artifact). */
  private batchRoute = true;
  private readonly budget: number;
  private readonly maxCount: number;
  private readonly pressure = new Backpressure(
    () => this.queue.length > HIGH_WATER_ARTIFACTS || this.queuedBytes > HIGH_WATER_BYTES,
  );

  constructor(
    private readonly client: ServerClient,
    private readonly options: ArtifactUploaderOptions,
  ) {
    this.uploaded = uploadedOn(client.url);
    this.budget = Math.min(options.batchBytes, options.limits.batchBytes - BODY_OVERHEAD);
    this.maxCount = options.limits.artifactsPerBatch;
  }

  push(artifact: Artifact): void {
    if (this.uploaded.has(artifact.id) || this.failure) return;
    this.uploaded.add(artifact.id);
    if (artifact.size >= this.options.largeBytes || encodedBytes(artifact) > this.budget) {
      this.track(this.uploadLarge(artifact), [artifact]);
      return;
    }
    this.queue.push(artifact);
    this.queuedBytes += encodedBytes(artifact);
    if (this.queuedBytes >= this.budget || this.queue.length >= this.maxCount) {
      this.pump();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.lingered = true;
        this.pump();
      }, this.options.lingerMs);
      this.timer.unref();
    }
  }

  /**
   * While more artifacts wait for the server than should stay in memory: a promise that resolves
   * once a step may start; undefined when it may start now.
   */
  backlog(): Promise<void> | undefined {
    return this.failure ? undefined : this.pressure.wait();
  }

  private track(upload: Promise<void>, artifacts: Artifact[]): Promise<void> {
    const tracked = upload.catch((error: Error) => {
      // Not stored after all: a later run may try again.
      for (const a of artifacts) this.uploaded.delete(a.id);
      this.fail(this.describe(error, artifacts));
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
    return tracked;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const a of this.queue) this.uploaded.delete(a.id);
    this.queue = [];
    this.queuedBytes = 0;
    this.pressure.release();
    this.options.onFailure?.(error);
  }

  private describe(error: Error, artifacts: Artifact[]): Error {
    // Unavailability and a refused token already say what happened and what to do.
    if (!(error instanceof ServerRefusedError) || error instanceof TokenRefusedError) return error;
    const bytes = artifacts.reduce((sum, a) => sum + a.size, 0);
    const { limits } = this.options;
    return new TrackingRefusedError(
      `the lineage server at ${this.client.url} refused to store ${artifacts.length} artifact(s) ` +
        `(${bytes} bytes; it accepts ${limits.artifactsPerBatch} artifacts and ${limits.batchBytes} ` +
        `bytes per batch, ${limits.artifactBytes} bytes per artifact): ${error.message}. ` +
        "The run was stopped and its outputs are not all recorded. If a value is larger than the " +
        "server accepts, make it smaller or start the server with a larger limit; else report this as a bug",
      { cause: error },
    );
  }

  /** Sends full batches (all batches once lingered) while fewer than the maximum are in flight. */
  private pump(): void {
    if (this.timer && this.lingered) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (
      !this.failure &&
      this.queue.length > 0 &&
      this.batchesInFlight < MAX_BATCHES_IN_FLIGHT &&
      (this.lingered || this.queuedBytes >= this.budget || this.queue.length >= this.maxCount)
    ) {
      const n = fittingCount(
        (i) => encodedBytes(this.queue[i]!),
        this.queue.length,
        this.maxCount,
        this.budget,
      );
      const batch = this.queue.splice(0, n);
      for (const a of batch) this.queuedBytes -= encodedBytes(a);
      this.batchesInFlight++;
      void this.track(this.uploadBatch(batch), batch).finally(() => {
        this.batchesInFlight--;
        this.pump();
        this.pressure.room();
      });
    }
    if (this.queue.length === 0) this.lingered = false;
  }

  private async uploadBatch(batch: Artifact[]): Promise<void> {
    if (this.batchRoute) {
      const body = JSON.stringify({
        artifacts: batch.map((a) => ({
          id: a.id,
          typeName: a.typeName,
          bytes: Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength).toString(
            "base64",
          ),
        })),
      });
      try {
        await retryWhileUnavailable(
          async () => {
            await this.client.post("/artifact-uploads", body);
          },
          this.options.giveUpMs,
          () => `${batch.length} artifacts were not stored at ${this.client.url}`,
        );
        return;
      } catch (error) {
        if (!(error instanceof ServerRefusedError && /failed with (404|405)/.test(error.message))) {
          throw error;
        }
        this.batchRoute = false;
      }
    }
    for (const artifact of batch) await this.put(artifact);
  }

  private async uploadLarge(artifact: Artifact): Promise<void> {
    if (artifact.size > this.options.limits.artifactBytes) {
      throw new ServerRefusedError(
        `artifact ${artifact.id} (${artifact.typeName}) is ${artifact.size} bytes, more than the ` +
          `${this.options.limits.artifactBytes} bytes the server accepts, so it was not sent`,
      );
    }
    const head = await this.client.request("HEAD", `/artifacts/${artifact.id}/value`, {
      allow: [404],
    });
    if (head.status === 200) return;
    await this.put(artifact);
  }

  private put(artifact: Artifact): Promise<void> {
    return retryWhileUnavailable(
      async () => {
        await this.client.request(
          "PUT",
          `/artifacts/${artifact.id}/value?typeName=${encodeURIComponent(artifact.typeName)}`,
          { body: artifact.bytes, contentType: "application/octet-stream", timeoutMs: 600_000 },
        );
      },
      this.options.giveUpMs,
      () => `artifact ${artifact.id} (${artifact.typeName}, ${artifact.size} bytes) was not stored`,
    );
  }

  /** Resolves once every artifact pushed so far is stored; rejects with the first failure. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.queue.length > 0) {
        this.lingered = true;
        this.pump();
      }
      if (this.pending.size === 0 && this.queue.length === 0) return;
      await Promise.race([...this.pending]);
    }
  }
}
