/**
 * Sends run events to the server in ordered batches. Emitting never blocks the pipeline: events are
 * queued and sent one batch at a time (so the server sees them in order), each batch cut to what the
 * server accepts (its event count and body bytes, from `GET /health`). When the server is away the
 * queue keeps them and sending is retried with backoff; after `giveUpMs` without success, or at the
 * first refusal, the uploader fails: `onLost` hears it at once (the run is stopped) and `flush()`
 * reports what was not recorded. Acknowledged events are durable on the server, and only then
 * leave this process's memory.
 *
 * Unacknowledged events must stay in memory, so a run that emits faster than the server stores is
 * slowed down instead: above {@link HIGH_WATER_EVENTS} queued events (or
 * {@link HIGH_WATER_CHARS} of their JSON), {@link EventUploader.backlog} makes steps wait before
 * they start (see backpressure.ts).
 */
import type { RunEvent } from "../events";
import { ServerRefusedError, TokenRefusedError, type ServerClient } from "./http";
import { BODY_OVERHEAD, fittingCount, type ServerLimits } from "./limits";
import { Backpressure } from "./backpressure";
import { retryWhileUnavailable, TrackingRefusedError } from "./retry";

/** Queued events above which steps wait: ten full batches, a few MiB of JSON. */
const HIGH_WATER_EVENTS = 20_000;
/** Queued JSON (UTF-16 code units, as JavaScript holds it) above which steps wait. */
const HIGH_WATER_CHARS = 8 * 1024 * 1024;

export interface UploaderOptions {
  /** Most events per request (the server's own limit applies too). */
  batchSize: number;
  /** How long a partial batch waits for company before it is sent. */
  lingerMs: number;
  /** How long to keep retrying an unreachable server before failing. */
  giveUpMs: number;
  /** What one request may carry, as the server states it. */
  limits: ServerLimits;
  /** Queued events above which {@link EventUploader.backlog} makes steps wait. */
  highWaterEvents?: number;
}

export class EventUploader {
  /** Events as JSON text, serialized once when pushed. */
  private queue: string[] = [];
  /** The JSON text's length in the queue (what it costs in memory; its UTF-8 size is at least that). */
  private queuedChars = 0;
  private readonly pressure = new Backpressure(
    () =>
      this.queue.length > (this.options.highWaterEvents ?? HIGH_WATER_EVENTS) ||
      this.queuedChars > HIGH_WATER_CHARS,
  );
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  /** Events the server has acknowledged. */
  acknowledged = 0;

  /** Events kept in memory until the server acknowledges them. */
  get queued(): number {
    return this.queue.length;
  }

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
    this.queue.push(json);
    this.queuedChars += json.length;
    if (this.queue.length >= this.maxCount) {
      this.kick();
    } else if (!this.timer && !this.sending) {
      this.timer = setTimeout(() => this.kick(), this.options.lingerMs);
      this.timer.unref();
    }
  }

  /**
   * While more events wait for the server than should stay in memory: a promise that resolves once
   * a step may start; undefined when it may start now.
   */
  backlog(): Promise<void> | undefined {
    return this.failure ? undefined : this.pressure.wait();
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
      const { count, body } = this.nextBatch();
      try {
        await this.send(body);
      } catch (error) {
        this.failure = this.describe(error as Error, count, Buffer.byteLength(body));
        this.queue = [];
        this.queuedChars = 0;
        this.pressure.release();
        this.onLost(this.failure);
        return;
      }
      for (let i = 0; i < count; i++) this.queuedChars -= this.queue[i]!.length;
      this.queue.splice(0, count);
      this.acknowledged += count;
      this.pressure.room();
      this.onAcknowledged();
    }
  }

  /**
   * The next batch's body. Cut first by the JSON's length, which is its UTF-8 size when it is all
   * ASCII (nearly always, and measuring the body once is cheaper than measuring every event); cut
   * again by exact sizes when the body turns out larger.
   */
  private nextBatch(): { count: number; body: string } {
    const maxBytes = this.options.limits.batchBytes - BODY_OVERHEAD;
    const cut = (sizeOf: (i: number) => number): { count: number; body: string } => {
      const count = fittingCount(sizeOf, this.queue.length, this.maxCount, maxBytes);
      return { count, body: `{"events":[${this.queue.slice(0, count).join(",")}]}` };
    };
    const byLength = cut((i) => this.queue[i]!.length + 1);
    if (Buffer.byteLength(byLength.body) === byLength.body.length) return byLength;
    return cut((i) => Buffer.byteLength(this.queue[i]!) + 1);
  }

  private describe(error: Error, count: number, bytes: number): Error {
    // Unavailability and a refused token already say what happened and what to do.
    if (!(error instanceof ServerRefusedError) || error instanceof TokenRefusedError) return error;
    return new TrackingRefusedError(
      `the lineage server at ${this.client.url} refused a batch of ${count} run events ` +
        `(${bytes} bytes; it accepts ${this.options.limits.eventsPerBatch} events and ` +
        `${this.options.limits.batchBytes} bytes per batch): ${error.message}. The run was stopped; ` +
        `${this.acknowledged} events were recorded, ${this.queue.length} were not. ` +
        "If one event is that large (a huge error, log line or parameter list), make it smaller or " +
        "start the server with a larger limit; else report this as a bug",
      { cause: error },
    );
  }

  private send(body: string): Promise<void> {
    // Idempotent ingest makes resending the same batch safe even if the server did store it.
    return retryWhileUnavailable(
      async () => {
        await this.client.post("/events", body);
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
