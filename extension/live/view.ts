/**
 * A run graph that follows a root run live ({@link LiveGraphSource}) and says where its data comes
 * from: the live document, the polling fallback, or a saved snapshot when the server is away.
 *
 * @example
 * ```ts
 * const view = new LiveRunGraphView({ commands: app.commands, settings: () => current });
 * view.setRoot(rootId);
 * ```
 */
import type { CommandRegistry } from "@lumino/commands";
import { PanelLayout, Widget } from "@lumino/widgets";

import type { RunGraphData } from "../graph/model";
import { RunGraph } from "../graph/widget";
import type { ITsematicSettings } from "../settings";
import { LiveGraphSource } from "./source";

export class LiveRunGraphView extends Widget {
  constructor(options: LiveRunGraphView.IOptions) {
    super();
    this.addClass("jp-RunGraphView");
    this._settings = options.settings;
    this._sourceOptions = options.sourceOptions ?? {};
    this.graphWidget = new RunGraph({ commands: options.commands });
    const layout = new PanelLayout();
    layout.addWidget(this.graphWidget);
    this.layout = layout;
    this.graphWidget.setNote(options.emptyNote ?? "");
  }

  /** The graph widget inside. */
  readonly graphWidget: RunGraph;

  /** The root run followed, if any. */
  get rootId(): string | null {
    return this._source?.rootId ?? null;
  }

  /** Follows another root run (null: none). */
  setRoot(rootId: string | null): void {
    if (rootId === this.rootId) {
      return;
    }
    this._source?.dispose();
    this._source = null;
    this.node.dataset.rootId = rootId ?? "";
    if (rootId === null) {
      return;
    }
    this._source = new LiveGraphSource({
      rootId,
      settings: this._settings,
      ...this._sourceOptions,
    });
    this._source.changed.connect(this._onSourceChanged, this);
    this._onSourceChanged();
  }

  /** What to show while no server answers (a notebook output's saved snapshot). */
  setSnapshot(graph: RunGraphData | null): void {
    this._snapshot = graph;
    this._onSourceChanged();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._source?.dispose();
    this._source = null;
    super.dispose();
  }

  private _onSourceChanged(): void {
    const source = this._source;
    if (source === null) {
      return;
    }
    const graph = source.graph;
    const url = this._settings().serverUrl;
    this.node.dataset.mode = source.mode;
    switch (source.mode) {
      case "live":
        if (graph) {
          this.graphWidget.setGraph(graph);
        }
        this.graphWidget.setNote(graph && graph.runs.size === 0 ? "No runs yet." : "");
        break;
      case "polling":
        if (graph) {
          this.graphWidget.setGraph(graph);
        }
        this.graphWidget.setNote(
          `Live updates from ${url} are unavailable: polling the lineage server every few seconds.`,
          "warning",
        );
        break;
      case "unreachable":
        if (this._snapshot) {
          this.node.dataset.mode = "snapshot";
          this.graphWidget.setGraph(this._snapshot);
          this.graphWidget.setNote(`Saved snapshot from the notebook: ${source.error}`, "warning");
        } else {
          this.graphWidget.setNote(source.error, "warning");
        }
        break;
      case "connecting":
        if (this._snapshot) {
          this.graphWidget.setGraph(this._snapshot);
        }
        this.graphWidget.setNote(`Connecting to the lineage server at ${url}…`);
        break;
    }
  }

  private readonly _settings: () => ITsematicSettings;
  private readonly _sourceOptions: Partial<LiveGraphSource.IOptions>;
  private _source: LiveGraphSource | null = null;
  private _snapshot: RunGraphData | null = null;
}

export namespace LiveRunGraphView {
  export interface IOptions {
    commands: CommandRegistry;
    settings: () => ITsematicSettings;
    /** The note shown while no run is followed. */
    emptyNote?: string;
    sourceOptions?: Partial<LiveGraphSource.IOptions>;
  }
}
