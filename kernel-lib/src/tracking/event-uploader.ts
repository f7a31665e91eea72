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
 * {@link HIGH_WATER_BYTES} of their JSON), {@link EventUploader.backlog} makes steps wait before
 * they start (see backpressure.ts). Queued events wait as the UTF-8 bodies of the batches they
 * will be sent in (see event-batch.ts).
 */
import type { RunEvent } from "../events";
import { Backpressure } from "./backpressure";
import { EventBatch } from "./event-batch";
import { ServerRefusedError, TokenRefusedError, type ServerClient } from "./http";
import { BODY_OVERHEAD, type ServerLimits } from "./limits";
import { retryWhileUnavailable, TrackingRefusedError } from "./retry";

/** Queued events above which steps wait: ten full batches, a few MiB of JSON. */
const HIGH_WATER_EVENTS = 20_000;
/** Queued JSON bytes above which steps wait. */
const HIGH_WATER_BYTES = 16 * 1024 * 1024;

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
  /** Batches not yet acknowledged, oldest first; only the last one may still take events. */
  private batches: EventBatch[] = [];
  private queuedEvents = 0;
  private queuedBytes = 0;
  private readonly pressure = new Backpressure(
    () =>
      this.queuedEvents > (this.options.highWaterEvents ?? HIGH_WATER_EVENTS) ||
      this.queuedBytes > HIGH_WATER_BYTES,
  );
  /** The buffer of the last acknowledged batch, for the next batch to fill. */
  private spare: Buffer | undefined;
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  /** Events the server has acknowledged. */
  acknowledged = 0;

  /** Events kept in memory until the server acknowledges them. */
  get queued(): number {
    return this.queuedEvents;
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

  private newBatch(): EventBatch {
    const batch = new EventBatch(
      this.options.limits.batchBytes - BODY_OVERHEAD,
      this.maxCount,
      this.spare,
    );
    this.spare = undefined;
    this.batches.push(batch);
    return batch;
  }

  push(event: RunEvent): void {
    if (this.failure) return;
    const json = JSON.stringify(event);
    let batch = this.batches[this.batches.length - 1];
    let before = batch?.bytes ?? 0;
    if (!batch?.add(json)) {
      batch = this.newBatch();
      before = 0;
      batch.add(json);
    }
    this.queuedEvents++;
    this.queuedBytes += batch.bytes - before;
    if (this.batches.length > 1 || batch.count >= this.maxCount) {
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
      if (this.batches.length > 0 && !this.failure) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.batches.length > 0 && !this.failure) {
      const batch = this.batches[0]!;
      // Sealed before sending: events pushed meanwhile go into the next batch.
      const body = batch.seal();
      try {
        await this.send(body);
      } catch (error) {
        this.failure = this.describe(error as Error, batch.count, body.length);
        this.batches = [];
        this.queuedEvents = 0;
        this.queuedBytes = 0;
        this.pressure.release();
        this.onLost(this.failure);
        return;
      }
      this.batches.shift();
      this.queuedEvents -= batch.count;
      this.queuedBytes -= batch.bytes;
      // Sent and acknowledged: the request no longer reads the body.
      this.spare = batch.recycle();
      this.acknowledged += batch.count;
      this.pressure.room();
      this.onAcknowledged();
    }
  }

  private describe(error: Error, count: number, bytes: number): Error {
    // Unavailability and a refused token already say what happened and what to do.
    if (!(error instanceof ServerRefusedError) || error instanceof TokenRefusedError) return error;
    return new TrackingRefusedError(
      `the lineage server at ${this.client.url} refused a batch of ${count} run events ` +
        `(${bytes} bytes; it accepts ${this.options.limits.eventsPerBatch} events and ` +
        `${this.options.limits.batchBytes} bytes per batch): ${error.message}. The run was stopped; ` +
        `${this.acknowledged} events were recorded, ${this.queuedEvents} were not. ` +
        "If one event is that large (a huge error, log line or parameter list), make it smaller or " +
        "start the server with a larger limit; else report this as a bug",
      { cause: error },
    );
  }

  private send(body: Buffer): Promise<void> {
    // Idempotent ingest makes resending the same batch safe even if the server did store it.
    return retryWhileUnavailable(
      async () => {
        await this.client.post("/events", body);
      },
      this.options.giveUpMs,
      () => `${this.queuedEvents} run events were not recorded at ${this.client.url}`,
    );
  }

  /** Resolves once every queued event is acknowledged; rejects if the uploader gave up. */
  async flush(): Promise<void> {
    while ((this.batches.length > 0 || this.sending) && !this.failure) {
      if (!this.sending) this.kick();
      await this.sending;
    }
    if (this.failure) throw this.failure;
  }
}
