/**
 * Sends run events to the server in ordered batches. Emitting never blocks the pipeline: events are
 * queued and sent one batch at a time (so the server sees them in order). When the server is away the
 * queue keeps them and sending is retried with backoff; after `giveUpMs` without success the uploader
 * fails, and `flush()` reports how many events were not recorded.
 */
import type { RunEvent } from "../events";
import type { ServerClient } from "./http";
import { retryWhileUnavailable } from "./retry";

export interface UploaderOptions {
  /** Most events per request. */
  batchSize: number;
  /** How long a partial batch waits for company before it is sent. */
  lingerMs: number;
  /** How long to keep retrying an unreachable server before failing. */
  giveUpMs: number;
}

export class EventUploader {
  private queue: RunEvent[] = [];
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  /** Events the server has acknowledged. */
  acknowledged = 0;

  constructor(
    private readonly client: ServerClient,
    private readonly options: UploaderOptions,
    /** Called after each acknowledged batch (the tracking session starts heartbeats after the first). */
    private readonly onAcknowledged: () => void = () => undefined,
    /** Called once if the uploader gives up. */
    private readonly onLost: (error: Error) => void = () => undefined,
  ) {}

  push(event: RunEvent): void {
    if (this.failure) return;
    this.queue.push(event);
    if (this.queue.length >= this.options.batchSize) this.kick();
    else if (!this.timer && !this.sending) {
      this.timer = setTimeout(() => this.kick(), this.options.lingerMs);
      this.timer.unref();
    }
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.sending ??= this.drain().finally(() => {
      this.sending = undefined;
      if (this.queue.length > 0 && !this.failure) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      const batch = this.queue.slice(0, this.options.batchSize);
      try {
        await this.send(batch);
      } catch (error) {
        this.failure = error as Error;
        this.onLost(this.failure);
        return;
      }
      this.queue.splice(0, batch.length);
      this.acknowledged += batch.length;
      this.onAcknowledged();
    }
  }

  private send(batch: RunEvent[]): Promise<void> {
    const body = JSON.stringify({ events: batch });
    // Idempotent ingest makes resending the same batch safe even if the server did store it.
    return retryWhileUnavailable(
      async () => {
        await this.client.request("POST", "/events", { body, contentType: "application/json" });
      },
      this.options.giveUpMs,
      () => `${this.queue.length} run events were not recorded at ${this.client.url}`,
    );
  }

  /** Resolves once every queued event is acknowledged; rejects if the uploader gave up. */
  async flush(): Promise<void> {
    while ((this.queue.length > 0 || this.sending) && !this.failure) {
      if (!this.sending) this.kick();
      await this.sending;
    }
    if (this.failure) throw this.failure;
  }
}
