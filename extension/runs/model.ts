/**
 * The runs the side panel shows, refreshed from the lineage server by a {@link Poll}: on start, every
 * few seconds while the panel is visible, with exponential backoff while the server is away, and at
 * once when asked (settings changed, refresh button).
 */
import { Poll } from "@lumino/polling";
import { type ISignal, Signal } from "@lumino/signaling";

import { type IRunSummary, type LineageClient, LineageServerError } from "../client";

/** What the panel shows. */
export type RunListStatus = "loading" | "ready" | "error";

/** Filters of the list; empty strings filter nothing. */
export interface IRunFilter {
  /** Part of the pipeline's name, any case. */
  readonly name: string;
  readonly state: string;
  readonly tag: string;
}

/** Whether a run passes a filter. */
export function matchesFilter(run: IRunSummary, filter: IRunFilter): boolean {
  const name = filter.name.trim().toLowerCase();
  const tag = filter.tag.trim().replace(/^#/, "");
  return (
    (name === "" || run.name.toLowerCase().includes(name)) &&
    (filter.state === "" || run.state === filter.state) &&
    (tag === "" || run.tags.includes(tag))
  );
}

export class RunListModel {
  constructor(options: RunListModel.IOptions) {
    this._client = options.client;
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
  }

  /** Emitted after every change of status, runs or error. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get status(): RunListStatus {
    return this._status;
  }

  /** The runs that pass the filter, newest first. */
  get runs(): readonly IRunSummary[] {
    return this._runs.filter((run) => matchesFilter(run, this._filter));
  }

  /** All runs fetched, unfiltered. */
  get allRuns(): readonly IRunSummary[] {
    return this._runs;
  }

  get filter(): IRunFilter {
    return this._filter;
  }

  /**
   * Filters the list. Applied to the root runs fetched (up to 1000, newest first): the transport
   * (client.ts) does not pass `name`/`state`/`tag` to the server yet.
   */
  setFilter(filter: Partial<IRunFilter>): void {
    this._filter = { ...this._filter, ...filter };
    this._changed.emit();
  }

  /** The selected root run's id, if any. */
  get selectedId(): string | null {
    return this._selectedId;
  }

  /** Emitted with the new selection. */
  get selectionChanged(): ISignal<this, string | null> {
    return this._selectionChanged;
  }

  select(runId: string | null): void {
    if (runId === this._selectedId) return;
    this._selectedId = runId;
    this._selectionChanged.emit(runId);
    this._changed.emit();
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
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async _load(): Promise<void> {
    try {
      const runs = await this._client.listRuns({ rootsOnly: true, limit: 1000 });
      if (this.isDisposed) {
        return;
      }
      this._set("ready", runs, "");
    } catch (error) {
      if (this.isDisposed) {
        return;
      }
      const message = error instanceof LineageServerError ? error.message : String(error);
      this._set("error", this._runs, message);
      // Rethrow so the poll backs off while the server is away.
      throw error;
    }
  }

  private _set(status: RunListStatus, runs: readonly IRunSummary[], error: string): void {
    this._status = status;
    this._runs = runs;
    this._error = error;
    this._changed.emit();
  }

  private readonly _client: LineageClient;
  private readonly _poll: Poll;
  private readonly _changed = new Signal<this, void>(this);
  private _status: RunListStatus = "loading";
  private _runs: readonly IRunSummary[] = [];
  private _error = "";
  private _filter: IRunFilter = { name: "", state: "", tag: "" };
  private _selectedId: string | null = null;
  private readonly _selectionChanged = new Signal<this, string | null>(this);
}

export namespace RunListModel {
  export interface IOptions {
    client: LineageClient;
    /** Refresh interval while the server answers. */
    intervalMs?: number;
    /** When the poll pauses; `when-hidden` pauses while the browser tab is hidden. */
    standby?: Poll.Standby | (() => boolean | Poll.Standby);
  }
}
