/**
 * Keeps a step run's detail and logs current while the step runs: `GET /runs/{id}` and the logs
 * after the last line seen, polled with backoff (sooner while something changes), and at once when
 * the root's live document (the run graph's Yjs source) says the step changed state. It stops when
 * the step has ended (after reading its last logs) or when disposed; no request starts after that.
 *
 * @example
 * ```ts
 * const follower = new StepFollower({ runId, api, watch: (rootId) => new LiveGraphSource(...) });
 * follower.updated.connect((_, { detailChanged, lines }) => draw(follower.detail, lines));
 * follower.start();
 * // later
 * follower.dispose();
 * ```
 */
import type { IDisposable } from "@lumino/disposable";
import { type ISignal, Signal } from "@lumino/signaling";

import { ENDED_STATES } from "../client";
import type { ILogLine, ILogPage, IRunWithPorts } from "./api";

/** The wait before the next poll: the shortest after progress, doubling while nothing changes. */
export function nextDelay(previousMs: number, progressed: boolean, minMs: number, maxMs: number) {
  return progressed ? minMs : Math.min(maxMs, Math.max(minMs, previousMs * 2));
}

export class StepFollower implements IDisposable {
  constructor(options: StepFollower.IOptions) {
    this.runId = options.runId;
    this._api = options.api;
    this._watchRoot = options.watch ?? null;
    this._minMs = options.minIntervalMs ?? 1000;
    this._maxMs = options.maxIntervalMs ?? 8000;
    this._logPage = options.logPageSize ?? 200;
    this._logPagesPerPoll = options.logPagesPerPoll ?? 5;
    this._delayMs = this._minMs;
  }

  readonly runId: string;

  /** Emitted after every answer of the server (or failure to get one). */
  get updated(): ISignal<this, StepFollower.IUpdate> {
    return this._updated;
  }

  /** The run as last read; null until the first answer. */
  get detail(): IRunWithPorts | null {
    return this._detail;
  }

  /** Why the last poll failed; null when it succeeded. */
  get failure(): unknown {
    return this._failure;
  }

  /** Whether updates are still being fetched (the step has not ended, the panel is open). */
  get following(): boolean {
    return this._following;
  }

  /** Whether the server has older log lines than those read ({@link moreLogs}). */
  get hasMoreLogs(): boolean {
    return this._hasMoreLogs;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Reads the run, then keeps reading while it runs. */
  start(): void {
    if (this._isDisposed || this._started) {
      return;
    }
    this._started = true;
    this._following = true;
    void this._poll();
  }

  /** Reads one more page of logs, after the step has ended (while it runs, polls read them). */
  async moreLogs(): Promise<void> {
    if (this._isDisposed || this._following || this._inFlight || !this._hasMoreLogs) {
      return;
    }
    const abort = new AbortController();
    this._inFlight = abort;
    try {
      const lines = await this._readLogs(1, abort.signal);
      if (!abort.signal.aborted) {
        this._failure = null;
        this._updated.emit({ detailChanged: false, lines });
      }
    } catch (reason) {
      if (!abort.signal.aborted) {
        this._failure = reason;
        this._updated.emit({ detailChanged: false, lines: [] });
      }
    } finally {
      if (this._inFlight === abort) {
        this._inFlight = null;
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._stop();
    this._inFlight?.abort();
    this._inFlight = null;
    Signal.clearData(this);
  }

  private async _poll(): Promise<void> {
    this._timer = undefined;
    if (this._isDisposed || !this._following) {
      return;
    }
    const abort = new AbortController();
    this._inFlight = abort;
    let progressed = false;
    try {
      const detail = await this._api.run(this.runId, abort.signal);
      if (abort.signal.aborted) {
        return;
      }
      // Logs after the detail: once the detail says the step ended, they are all there.
      const lines = await this._readLogs(this._logPagesPerPoll, abort.signal);
      if (abort.signal.aborted) {
        return;
      }
      const fingerprint = JSON.stringify(detail);
      const detailChanged = fingerprint !== this._fingerprint;
      this._fingerprint = fingerprint;
      this._detail = detail;
      this._failure = null;
      progressed = detailChanged || lines.length > 0;
      if (ENDED_STATES.has(detail.run.state)) {
        this._stop();
      } else {
        this._watch(detail.run.rootId);
      }
      this._updated.emit({ detailChanged, lines });
    } catch (reason) {
      if (abort.signal.aborted || this._isDisposed) {
        return;
      }
      this._failure = reason;
      if (this._detail === null) {
        // Nothing to show yet: the panel says what is wrong and offers to retry.
        this._stop();
      }
      this._updated.emit({ detailChanged: false, lines: [] });
    } finally {
      if (this._inFlight === abort) {
        this._inFlight = null;
      }
    }
    if (this._isDisposed || !this._following) {
      return;
    }
    if (this._again) {
      this._again = false;
      this._delayMs = this._minMs;
      void this._poll();
      return;
    }
    this._delayMs = nextDelay(this._delayMs, progressed, this._minMs, this._maxMs);
    this._timer = setTimeout(() => void this._poll(), this._delayMs);
  }

  /** Up to `pages` pages of lines after the last one read; nothing is kept if one fails. */
  private async _readLogs(pages: number, signal: AbortSignal): Promise<ILogLine[]> {
    const lines: ILogLine[] = [];
    let cursor = this._logCursor;
    let more = false;
    for (let i = 0; i < pages; i++) {
      const page: ILogPage = await this._api.logs(this.runId, cursor, this._logPage, signal);
      lines.push(...page.lines);
      const last = page.lines[page.lines.length - 1];
      if (last) {
        cursor = String(last.seq);
      }
      more = page.nextCursor !== null;
      if (!more) {
        break;
      }
    }
    if (!signal.aborted) {
      this._logCursor = cursor;
      this._hasMoreLogs = more;
    }
    return lines;
  }

  /** Follows the root's live document, when there is one, to poll as soon as the step moves. */
  private _watch(rootId: string): void {
    if (this._states !== null || this._watchRoot === null) {
      return;
    }
    this._states = this._watchRoot(rootId);
    this._states?.changed.connect(this._onLiveChange, this);
  }

  private _onLiveChange(): void {
    const state = this._states?.graph?.runs.get(this.runId)?.state;
    if (state === undefined || state === this._detail?.run.state || state === this._nudged) {
      return;
    }
    this._nudged = state;
    if (this._isDisposed || !this._following) {
      return;
    }
    if (this._inFlight) {
      this._again = true;
      return;
    }
    clearTimeout(this._timer);
    this._delayMs = this._minMs;
    void this._poll();
  }

  private _stop(): void {
    this._following = false;
    clearTimeout(this._timer);
    this._timer = undefined;
    this._states?.changed.disconnect(this._onLiveChange, this);
    this._states?.dispose();
    this._states = null;
  }

  private readonly _api: StepFollower.IApi;
  private readonly _watchRoot: ((rootId: string) => StepFollower.ILiveStates | null) | null;
  private readonly _minMs: number;
  private readonly _maxMs: number;
  private readonly _logPage: number;
  private readonly _logPagesPerPoll: number;
  private readonly _updated = new Signal<this, StepFollower.IUpdate>(this);
  private _delayMs: number;
  private _timer: ReturnType<typeof setTimeout> | undefined = undefined;
  private _inFlight: AbortController | null = null;
  private _again = false;
  private _started = false;
  private _following = false;
  private _isDisposed = false;
  private _detail: IRunWithPorts | null = null;
  private _fingerprint = "";
  private _failure: unknown = null;
  private _logCursor: string | null = null;
  private _hasMoreLogs = false;
  private _states: StepFollower.ILiveStates | null = null;
  private _nudged: string | undefined = undefined;
}

export namespace StepFollower {
  /** The routes read (StepApi). */
  export interface IApi {
    run(runId: string, signal?: AbortSignal): Promise<IRunWithPorts>;
    logs(
      runId: string,
      cursor: string | null,
      limit?: number,
      signal?: AbortSignal,
    ): Promise<ILogPage>;
  }

  /** Run states of a root run, live (a LiveGraphSource fits). */
  export interface ILiveStates extends IDisposable {
    readonly changed: ISignal<unknown, void>;
    readonly graph: { readonly runs: ReadonlyMap<string, { readonly state: string }> } | null;
  }

  export interface IUpdate {
    /** The run differs from the previous answer (always true for the first). */
    readonly detailChanged: boolean;
    /** Log lines that arrived, oldest first. */
    readonly lines: readonly ILogLine[];
  }

  export interface IOptions {
    runId: string;
    api: IApi;
    /** Opens the root's live run states; null or absent: polling alone. */
    watch?: (rootId: string) => ILiveStates | null;
    /** Wait between polls while the step changes. Default 1 s. */
    minIntervalMs?: number;
    /** Longest wait between polls while nothing changes. Default 8 s. */
    maxIntervalMs?: number;
    /** Log lines per request. Default 200. */
    logPageSize?: number;
    /** Log requests per poll at most; more lines wait for the next poll. Default 5. */
    logPagesPerPoll?: number;
  }
}
