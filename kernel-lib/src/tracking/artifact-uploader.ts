/**
 * Uploads artifact bytes, each content address once per server and process. Small artifacts travel
 * together in batch requests (a 10,000-step fan-out has tens of thousands of tiny ones); large ones are
 * streamed one by one after asking whether the server already has them.
 */
import type { Artifact } from "../types/artifact";
import { ServerRefusedError, type ServerClient } from "./http";
import { retryWhileUnavailable } from "./retry";

export interface ArtifactUploaderOptions {
  /** Artifacts at least this large are uploaded alone, after a HEAD check. */
  largeBytes: number;
  /** A batch is sent once its artifacts add up to this many bytes. */
  batchBytes: number;
  lingerMs: number;
  giveUpMs: number;
}

const UPLOADED_KEY = Symbol.for("tsematic.uploadedArtifacts.v1");

/** Content addresses already stored, by server URL: shared by every run of this process. */
function uploadedOn(url: string): Set<string> {
  const g = globalThis as unknown as Record<symbol, Map<string, Set<string>> | undefined>;
  const byUrl = (g[UPLOADED_KEY] ??= new Map());
  let set = byUrl.get(url);
  if (!set) byUrl.set(url, (set = new Set()));
  return set;
}

/** Records that the server at `url` already has artifact `id` (e.g. a cache hit's output). */
export function markStored(url: string, id: string): void {
  uploadedOn(url).add(id);
}

export class ArtifactUploader {
  private readonly uploaded: Set<string>;
  private batch: Artifact[] = [];
  private batchBytes = 0;
  private readonly pending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  /** Whether the server has the batch route (older servers only take one PUT per artifact). */
  private batchRoute = true;

  constructor(
    private readonly client: ServerClient,
    private readonly options: ArtifactUploaderOptions,
  ) {
    this.uploaded = uploadedOn(client.url);
  }

  push(artifact: Artifact): void {
    if (this.uploaded.has(artifact.id) || this.failure) return;
    this.uploaded.add(artifact.id);
    if (artifact.size >= this.options.largeBytes) {
      this.track(this.uploadLarge(artifact), [artifact]);
      return;
    }
    this.batch.push(artifact);
    this.batchBytes += artifact.size;
    if (this.batchBytes >= this.options.batchBytes) this.sendBatch();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.sendBatch(), this.options.lingerMs);
      this.timer.unref();
    }
  }

  private track(upload: Promise<void>, artifacts: Artifact[]): void {
    const tracked = upload.catch((error: Error) => {
      this.failure ??= error;
      // Not stored after all: a later run may try again.
      for (const a of artifacts) this.uploaded.delete(a.id);
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  private sendBatch(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    this.track(this.uploadBatch(batch), batch);
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
            await this.client.request("POST", "/artifact-uploads", {
              body,
              contentType: "application/json",
            });
          },
          this.options.giveUpMs,
          () => `${batch.length} artifacts were not stored at ${this.client.url}`,
        );
        return;
      } catch (error) {
        if (!(error instanceof ServerRefusedError && /failed with (404|405)/.test(error.message)))
          throw error;
        this.batchRoute = false;
      }
    }
    for (const artifact of batch) await this.put(artifact);
  }

  private async uploadLarge(artifact: Artifact): Promise<void> {
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
    this.sendBatch();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    if (this.failure) throw this.failure;
  }
}
