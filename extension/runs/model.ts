/**
 * The runs the side panel shows, refreshed from the lineage server by a {@link Poll}: on start, every
 * few seconds while the panel is visible, with exponential backoff while the server is away, and at
 * once when asked (settings changed, refresh button).
 *
 * The server filters (`GET /api/v1/runs?root=true&nameContains=…&state=…&tag=…`) and pages
 * (`limit`, `cursor`). A filter typed in the panel narrows the runs already shown at once, and goes
 * to the server when the typing pauses (debounced); an answer to an older filter is dropped.
 */
import { Debouncer, Poll } from "@lumino/polling";
import { type ISignal, Signal } from "@lumino/signaling";

import { type IRunSummary, type LineageClient, LineageServerError } from "../client";
import { RunSelection } from "../services/selection";
import type { IRunSelection } from "../tokens";

/** What the panel shows. */
export type RunListStatus = "loading" | "ready" | "error";

/** Filters of the list; empty strings filter nothing. */
export interface IRunFilter {
  /** Part of the pipeline's name, any case. */
  readonly name: string;
  /** One state, or several separated by commas (any of them). */
  readonly state: string;
  /** A tag, with or without its leading `#`. */
  readonly tag: string;
  /**
   * Where the runs ran: `local` (in a kernel or script), `cloud` (steps as jobs), or
   * `cloud:<executor>` (`cloud:slurm`); empty or absent: anywhere.
   */
  readonly where?: string;
}

/** The filter as `GET /api/v1/runs` takes it: root runs only, empty filters left out. */
export function runQueryOf(filter: IRunFilter): LineageClient.IRunQuery {
  const name = filter.name.trim();
  const states = Private.statesOf(filter);
  const tag = Private.tagOf(filter);
  return {
    rootsOnly: true,
    ...(name ? { nameContains: name } : {}),
    ...(states.length ? { states } : {}),
    ...(tag ? { tag } : {}),
    ...Private.placeOf(filter),
  };
}

/**
 * Whether a run passes a filter, as the server decides it: used to narrow the runs shown while the
 * server's answer to a new filter is on its way.
 */
export function matchesFilter(run: IRunSummary, filter: IRunFilter): boolean {
  const name = filter.name.trim().toLowerCase();
  const states = Private.statesOf(filter);
  const tag = Private.tagOf(filter);
  return (
    (name === "" || run.name.toLowerCase().includes(name)) &&
    (states.length === 0 || states.includes(run.state)) &&
    (tag === "" || run.tags.includes(tag)) &&
    Private.ranThere(run, filter)
  );
}

/** Whether a filter filters anything. */
export function isFiltering(filter: IRunFilter): boolean {
  const { nameContains, states, tag, mode } = runQueryOf(filter);
  return !!nameContains || !!states || !!tag || !!mode;
}

export class RunListModel {
  constructor(options: RunListModel.IOptions) {
    this._client = options.client;
    this.selection = options.selection ?? new RunSelection();
    this.selection.changed.connect(this._onSelectionChanged, this);
    this._pageSize = Math.min(Math.max(1, options.pageSize ?? 100), 1000);
    this._wanted = this._pageSize;
    this._poll = new Poll({
      factory: () => this._load(),
      frequency: {
        interval: options.intervalMs ?? 5000,
        backoff: true,
        max: 60_000,
      },
      name: "tsematic:runs",
      standby: options.standby ?? "when-hidden",
    });
    this._filterDebouncer = new Debouncer(() => this._reload(), options.debounceMs ?? 300);
  }

  /** Emitted after every change of status, runs, filter or error. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): RunListStatus {
    return this._status;
  }

  /**
   * The runs that pass the filter, newest first. The server filtered them already; until it has
   * answered a changed filter, the runs of the previous answer are narrowed here.
   */
  get runs(): readonly IRunSummary[] {
    return this._runs.filter((run) => matchesFilter(run, this._filter));
  }

  /** The runs of the server's last answer, before the local narrowing. */
  get allRuns(): readonly IRunSummary[] {
    return this._runs;
  }

  /** Whether the server has older runs that pass the filter ({@link loadMore}). */
  get hasMore(): boolean {
    return this._hasMore;
  }

  get filter(): IRunFilter {
    return this._filter;
  }

  /**
   * Filters the list: at once among the runs shown, and on the server once the filter has not
   * changed for the debounce delay (typing in a filter box sends one request, not one per key).
   */
  setFilter(filter: Partial<IRunFilter>): void {
    const next = { ...this._filter, ...filter };
    if (Private.sameQuery(next, this._filter)) {
      this._filter = next;
      return;
    }
    this._filter = next;
    this._changed.emit();
    void this._filterDebouncer.invoke();
  }

  /** Shows one more page of older runs. */
  loadMore(): Promise<void> {
    if (!this._hasMore || this.isDisposed) {
      return Promise.resolve();
    }
    this._wanted += this._pageSize;
    return this._fetchNow();
  }

  /** The selection this list shows and sets (shared with the commands and the graph). */
  readonly selection: IRunSelection;

  /** The selected root run's id, if any. */
  get selectedId(): string | null {
    return this.selection.rootId;
  }

  /** Selects a root run, with what this list knows about it. */
  select(runId: string | null): void {
    this.selection.select(runId, { run: this._runs.find((run) => run.id === runId) ?? null });
  }

  /** The last failure, as a message a user can act on; empty unless `status` is `error`. */
  get error(): string {
    return this._error;
  }

  get serverUrl(): string {
    return this._client.serverUrl;
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /** Fetch now, outside the schedule. */
  refresh(): Promise<void> {
    return this._poll.refresh();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.selection.changed.disconnect(this._onSelectionChanged, this);
    this._filterDebouncer.dispose();
    this._inFlight?.abort();
    // Poll.dispose() leaves its next tick's timer set (up to a minute away), which keeps a Node
    // process alive and fires into a dead model; stopping first clears it.
    void this._poll.stop();
    this._poll.dispose();
    Signal.clearData(this);
  }

  /** The filter changed on the server's side: forget the pages and the answer on its way. */
  private _reload(): Promise<void> {
    if (this.isDisposed) {
      return Promise.resolve();
    }
    this._wanted = this._pageSize;
    this._inFlight?.abort();
    return this._fetchNow();
  }

  /**
   * A fetch now that replaces one on its way: `Poll.refresh` would be a no-op while a refresh is
   * pending, and that one asks for the previous filter or pages.
   */
  private _fetchNow(): Promise<void> {
    return this._poll.schedule({ interval: Poll.IMMEDIATE, phase: "refreshed" });
  }

  /** The first `_wanted` runs that pass the filter: one request, more when over the server's limit. */
  private async _load(): Promise<void> {
    const filter = this._filter;
    const wanted = this._wanted;
    const query = runQueryOf(filter);
    const abort = new AbortController();
    this._inFlight?.abort();
    this._inFlight = abort;
    const runs: IRunSummary[] = [];
    let cursor: string | null = null;
    try {
      do {
        const page = await this._client.listRunPage(
          { ...query, limit: Math.min(wanted - runs.length, 1000), cursor },
          abort.signal,
        );
        runs.push(...page.runs);
        cursor = page.nextCursor;
      } while (cursor !== null && runs.length < wanted && !abort.signal.aborted);
    } catch (error) {
      if (abort.signal.aborted || this.isDisposed) {
        // Replaced by a newer filter, or the panel is gone: nothing to show, nothing to back off.
        return;
      }
      const message = error instanceof LineageServerError ? error.message : String(error);
      this._set("error", this._runs, this._hasMore, message);
      // Rethrow so the poll backs off while the server is away.
      throw error;
    } finally {
      if (this._inFlight === abort) {
        this._inFlight = null;
      }
    }
    if (abort.signal.aborted || this.isDisposed || !Private.sameQuery(filter, this._filter)) {
      return;
    }
    this._set("ready", runs, cursor !== null, "");
  }

  private _set(
    status: RunListStatus,
    runs: readonly IRunSummary[],
    hasMore: boolean,
    error: string,
  ): void {
    this._status = status;
    this._runs = runs;
    this._hasMore = hasMore;
    this._error = error;
    // The selected run's state as last read: commands ask the selection whether it has ended.
    const selected = runs.find((run) => run.id === this.selection.rootId);
    if (selected) {
      this.selection.select(selected.id, { run: selected });
    }
    this._changed.emit();
  }

  private _onSelectionChanged(): void {
    this._changed.emit();
  }

  private readonly _client: RunListModel.IClient;
  private readonly _poll: Poll;
  private readonly _filterDebouncer: Debouncer;
  private readonly _pageSize: number;
  private readonly _changed = new Signal<this, void>(this);
  private _wanted: number;
  private _inFlight: AbortController | null = null;
  private _status: RunListStatus = "loading";
  private _runs: readonly IRunSummary[] = [];
  private _hasMore = false;
  private _error = "";
  private _filter: IRunFilter = { name: "", state: "", tag: "" };
}

export namespace RunListModel {
  /** The part of {@link LineageClient} the model calls. */
  export type IClient = Pick<LineageClient, "serverUrl" | "listRunPage">;

  export interface IOptions {
    client: IClient;
    /** The selection to show and set; default a selection of its own. */
    selection?: IRunSelection;
    /** Refresh interval while the server answers. */
    intervalMs?: number;
    /** When the poll pauses; `when-hidden` pauses while the browser tab is hidden. */
    standby?: Poll.Standby | (() => boolean | Poll.Standby);
    /** Runs fetched at first and added by each {@link RunListModel.loadMore}. Default 100. */
    pageSize?: number;
    /** How long a filter must stay unchanged before it goes to the server. Default 300 ms. */
    debounceMs?: number;
  }
}

namespace Private {
  export function statesOf(filter: IRunFilter): string[] {
    return filter.state
      .split(",")
      .map((state) => state.trim())
      .filter((state) => state !== "");
  }

  export function tagOf(filter: IRunFilter): string {
    return filter.tag.trim().replace(/^#/, "");
  }

  /** The server's `mode` and `executor` parameters of `filter.where`. */
  export function placeOf(filter: IRunFilter): { mode?: string; executor?: string } {
    const [mode = "", executor = ""] = (filter.where ?? "").trim().split(":");
    return { ...(mode ? { mode } : {}), ...(executor ? { executor } : {}) };
  }

  /** Whether `run` ran where `filter` asks (what the server answers, for a run already shown). */
  export function ranThere(run: IRunSummary, filter: IRunFilter): boolean {
    const { mode, executor } = placeOf(filter);
    return (
      (mode === undefined || run.mode === mode) &&
      (executor === undefined || run.executor === executor)
    );
  }

  /** Whether two filters ask the server the same. */
  export function sameQuery(a: IRunFilter, b: IRunFilter): boolean {
    return JSON.stringify(runQueryOf(a)) === JSON.stringify(runQueryOf(b));
  }
}
