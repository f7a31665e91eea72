/**
 * A root run's graph, live: the server's Yjs document over the y-websocket protocol (reconnecting
 * with backoff), and while that connection is down, `GET /runs/{id}/graph` polled by a Lumino
 * {@link Poll} with backoff. `mode` says which one the graph currently comes from, for the UI.
 *
 * @example
 * ```ts
 * const source = new LiveGraphSource({ rootId, settings: () => current });
 * source.changed.connect(() => draw(source.graph));
 * // later
 * source.dispose();
 * ```
 */
import { Poll } from "@lumino/polling";
import { type ISignal, Signal } from "@lumino/signaling";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

import { LineageClient, LineageServerError } from "../client";
import {
  flowFromJson,
  graphRunFromJson,
  type IGraphEdge,
  type IGraphRun,
  RunGraphData,
} from "../graph/model";
import { type ITsematicSettings, tokenFor } from "../settings";
import { fetchRunGraph } from "./rest";

/** Where the graph currently comes from. */
export type LiveMode = "connecting" | "live" | "polling" | "unreachable";

export class LiveGraphSource {
  constructor(options: LiveGraphSource.IOptions) {
    this.rootId = options.rootId;
    this._settings = options.settings;
    this._client = options.client ?? new LineageClient({ settings: options.settings });
    this._pollFallback = options.pollFallback ?? true;
    const settings = this._settings();
    const { serverUrl } = settings;
    // The token only to the configured server: a run view may name another one.
    const token = tokenFor(settings, serverUrl);
    this._doc = new Y.Doc();
    this._provider = new WebsocketProvider(
      `${serverUrl.replace(/^http/, "ws")}/api/v1/live`,
      encodeURIComponent(this.rootId),
      this._doc,
      {
        params: token ? { token } : {},
        disableBc: true,
        ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
        maxBackoffTime: options.maxBackoffMs ?? 10_000,
      },
    );
    this._provider.on("status", this._onStatus);
    this._provider.on("sync", this._onSync);
    this._doc.on("update", this._onUpdate);
    this._doc.getMap("runs").observe(this._onRunsChanged);
    this._doc.getMap("flows").observe(this._onFlowsChanged);
    this._poll = new Poll({
      auto: false,
      factory: () => this._fetch(),
      frequency: { interval: options.pollIntervalMs ?? 2000, backoff: true, max: 30_000 },
      name: `tsematic:graph:${this.rootId}`,
      standby: "when-hidden",
    });
    // A server that never answers the socket: fall back after a grace period.
    this._fallbackTimer = setTimeout(() => {
      if (this._mode === "connecting") {
        this._startPolling();
      }
    }, options.connectTimeoutMs ?? 3000);
  }

  readonly rootId: string;

  /** Emitted when the graph or the mode changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The latest graph; null until the first answer. */
  get graph(): RunGraphData | null {
    return this._graph;
  }

  get mode(): LiveMode {
    return this._mode;
  }

  /** The last failure of the fallback, as a message a user can act on. */
  get error(): string {
    return this._error;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    clearTimeout(this._fallbackTimer);
    clearTimeout(this._updateTimer);
    this._provider.off("status", this._onStatus);
    this._provider.off("sync", this._onSync);
    this._doc.off("update", this._onUpdate);
    this._doc.getMap("runs").unobserve(this._onRunsChanged);
    this._doc.getMap("flows").unobserve(this._onFlowsChanged);
    this._provider.destroy();
    this._doc.destroy();
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _onStatus = (event: { status: string }): void => {
    if (this._isDisposed) {
      return;
    }
    if (event.status === "disconnected" && this._mode !== "polling") {
      this._startPolling();
    }
  };

  private _onSync = (synced: boolean): void => {
    if (this._isDisposed || !synced) {
      return;
    }
    // Live again: the document is the source, the poll rests.
    void this._poll.stop();
    this._mode = "live";
    this._error = "";
    this._readDoc();
  };

  /** Notes the runs an update changed (read at the next redraw); a removal means a full read. */
  private _onRunsChanged = (event: Y.YMapEvent<unknown>): void => {
    for (const [key, change] of event.changes.keys) {
      if (change.action === "delete") {
        this._pending.removed = true;
      } else {
        this._pending.runs.add(key);
      }
    }
  };

  /** Notes the flows an update added; a removed or replaced one means a full read. */
  private _onFlowsChanged = (event: Y.YMapEvent<unknown>): void => {
    for (const [key, change] of event.changes.keys) {
      if (change.action === "add") {
        this._pending.flows.add(key);
      } else {
        this._pending.removed = true;
      }
    }
  };

  /** Coalesces bursts of document updates into one redraw per frame-ish. */
  private _onUpdate = (): void => {
    if (this._isDisposed || this._mode !== "live" || this._updateTimer !== undefined) {
      return;
    }
    this._updateTimer = setTimeout(() => {
      this._updateTimer = undefined;
      if (!this._isDisposed) {
        this._applyPending();
      }
    }, 50);
  };

  /**
   * The graph with the runs and flows changed since the last redraw applied
   * (RunGraphData.withChanges): a live update of a 100,000-run graph reads the few changed runs,
   * not the whole document. Removals (not made by the server while a run is live) read it all.
   */
  private _applyPending(): void {
    const pending = this._pending;
    const graph = this._graph;
    if (graph === null || pending.removed) {
      this._readDoc();
      return;
    }
    this._pending = Private.nothingPending();
    const runsMap = this._doc.getMap("runs");
    const flowsMap = this._doc.getMap("flows");
    const runs: IGraphRun[] = [];
    for (const key of pending.runs) {
      const run = graphRunFromJson(runsMap.get(key));
      if (run) {
        runs.push(run);
      }
    }
    const flows: IGraphEdge[] = [];
    for (const key of pending.flows) {
      const flow = flowFromJson(flowsMap.get(key));
      if (flow) {
        flows.push(flow);
      }
    }
    this._graph = graph.withChanges({ runs, flows });
    this._changed.emit();
  }

  private _readDoc(): void {
    this._pending = Private.nothingPending();
    const runs: IGraphRun[] = [];
    this._doc.getMap("runs").forEach((value) => {
      const run = graphRunFromJson(value);
      if (run) {
        runs.push(run);
      }
    });
    // Edges only from the recorded flows, never from the ports' equal artifact ids.
    const flows: IGraphEdge[] = [];
    this._doc.getMap("flows").forEach((value) => {
      const flow = flowFromJson(value);
      if (flow) {
        flows.push(flow);
      }
    });
    this._graph = RunGraphData.fromFlows(this.rootId, runs, flows);
    this._changed.emit();
  }

  private _startPolling(): void {
    if (!this._pollFallback) {
      return;
    }
    this._mode = "polling";
    this._changed.emit();
    void this._poll.start().then(() => this._poll.refresh());
  }

  private async _fetch(): Promise<void> {
    try {
      const graph = await fetchRunGraph(this._client, this.rootId);
      if (this._isDisposed || this._mode === "live") {
        return;
      }
      this._graph = graph;
      this._mode = "polling";
      this._error = "";
      this._changed.emit();
    } catch (error) {
      if (this._isDisposed || this._mode === "live") {
        return;
      }
      this._mode = "unreachable";
      this._error = error instanceof LineageServerError ? error.message : String(error);
      this._changed.emit();
      throw error; // the poll backs off
    }
  }

  private readonly _settings: () => ITsematicSettings;
  private readonly _client: LineageClient;
  private readonly _pollFallback: boolean;
  private readonly _doc: Y.Doc;
  private readonly _provider: WebsocketProvider;
  private readonly _poll: Poll;
  private readonly _changed = new Signal<this, void>(this);
  private readonly _fallbackTimer: ReturnType<typeof setTimeout>;
  private _updateTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private _graph: RunGraphData | null = null;
  /** What document updates changed since the graph was last read. */
  private _pending = Private.nothingPending();
  private _mode: LiveMode = "connecting";
  private _error = "";
  private _isDisposed = false;
}

export namespace LiveGraphSource {
  export interface IOptions {
    rootId: string;
    /** Current settings (server URL, token). */
    settings: () => ITsematicSettings;
    /**
     * The client of the same server for the polling fallback: the extension's one when the
     * settings are the configured ones; default a client of `settings`.
     */
    client?: LineageClient;
    /** Interval of the polling fallback. Default 2 s. */
    pollIntervalMs?: number;
    /** How long to wait for the socket before polling. Default 3 s. */
    connectTimeoutMs?: number;
    /** Longest wait between two reconnection attempts of the socket. Default 10 s. */
    maxBackoffMs?: number;
    /**
     * Whether to poll the whole graph while the socket is down (default true). A reader that polls
     * what it needs itself (the step panel) turns it off.
     */
    pollFallback?: boolean;
    /** The WebSocket class (node tests; browsers have one). */
    WebSocketPolyfill?: typeof WebSocket;
  }
}

namespace Private {
  /** Keys of the runs and flows changed since the last read; `removed`: read the whole document. */
  export interface IPending {
    readonly runs: Set<string>;
    readonly flows: Set<string>;
    removed: boolean;
  }

  export function nothingPending(): IPending {
    return { runs: new Set(), flows: new Set(), removed: false };
  }
}
