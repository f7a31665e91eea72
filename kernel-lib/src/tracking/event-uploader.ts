/**
 * Sends run events to the server in ordered batches. Emitting never blocks the pipeline: events are
 * queued and sent one batch at a time (so the server sees them in order), each batch cut to what the
 * server accepts (its event count and body bytes, from `GET /health`). When the server is away the
 * queue keeps them and sending is retried with backoff; after `giveUpMs` without success, or at the
 * first refusal, the uploader fails: `onLost` hears it at once (the run is stopped) and `flush()`
 * reports what was not recorded. Acknowledged events are durable on the server.
 */
import type { RunEvent } from "../events";
import { ServerRefusedError, TokenRefusedError, type ServerClient } from "./http";
import { BODY_OVERHEAD, fittingCount, type ServerLimits } from "./limits";
import { retryWhileUnavailable, TrackingRefusedError } from "./retry";

export interface UploaderOptions {
  /** Most events per request (the server's own limit applies too). */
  batchSize: number;
  /** How long a partial batch waits for company before it is sent. */
  lingerMs: number;
  /** How long to keep retrying an unreachable server before failing. */
  giveUpMs: number;
  /** What one request may carry, as the server states it. */
  limits: ServerLimits;
}

export class EventUploader {
  /** Events as JSON text, serialized once when pushed, with their UTF-8 size (batches are cut by it). */
  private queue: { json: string; bytes: number }[] = [];
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

  private get maxCount(): number {
    return Math.min(this.options.batchSize, this.options.limits.eventsPerBatch);
  }

  push(event: RunEvent): void {
    if (this.failure) return;
    const json = JSON.stringify(event);
    this.queue.push({ json, bytes: Buffer.byteLength(json) + 1 });
    if (this.queue.length >= this.maxCount) {
      this.kick();
    } else if (!this.timer && !this.sending) {
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
      const n = fittingCount(
        (i) => this.queue[i]!.bytes,
        this.queue.length,
        this.maxCount,
        this.options.limits.batchBytes - BODY_OVERHEAD,
      );
      const batch = this.queue.slice(0, n);
      try {
        await this.send(batch);
      } catch (error) {
        this.failure = this.describe(error as Error, batch);
        this.queue = [];
        this.onLost(this.failure);
        return;
      }
      this.queue.splice(0, n);
      this.acknowledged += n;
      this.onAcknowledged();
    }
  }

  private describe(error: Error, batch: { bytes: number }[]): Error {
    // Unavailability and a refused token already say what happened and what to do.
    if (!(error instanceof ServerRefusedError) || error instanceof TokenRefusedError) return error;
    const bytes = batch.reduce((sum, e) => sum + e.bytes, 0);
    return new TrackingRefusedError(
      `the lineage server at ${this.client.url} refused a batch of ${batch.length} run events ` +
        `(${bytes} bytes; it accepts ${this.options.limits.eventsPerBatch} events and ` +
        `${this.options.limits.batchBytes} bytes per batch): ${error.message}. The run was stopped; ` +
        `${this.acknowledged} events were recorded, ${this.queue.length} were not. ` +
        "If one event is that large (a huge error, log line or parameter list), make it smaller or " +
        "start the server with a larger limit; else report this as a bug",
      { cause: error },
    );
  }

  private send(batch: { json: string }[]): Promise<void> {
    const body = `{"events":[${batch.map((e) => e.json).join(",")}]}`;
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
