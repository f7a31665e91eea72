/**
 * The renderer of `application/vnd.tsematic.run.v1+json`, the run view kernel-lib displays for
 * `await pipeline(...)`. Where its graph comes from (mime/trust.ts):
 * - a silent run: the snapshot saved in the output, and nothing else (no request to any server);
 * - a run of the configured lineage server: the live graph (with the token), falling back to the
 *   snapshot while the server is away;
 * - a run of another server (a notebook someone else saved): the snapshot and a notice; "Connect…"
 *   asks first, then follows that server without the token unless the user allows it there.
 * The graph code is loaded on the first render (modelled on JupyterLab's vega5-extension), and
 * `dispose()` closes the connection.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { CommandRegistry } from "@lumino/commands";
import { PanelLayout, Widget } from "@lumino/widgets";

import type { LineageClient } from "../client";
import type { IRunViewBundle, RunGraphData } from "../graph/model";
import type { LiveRunGraphView } from "../live/view";
import type { ITsematicSettings } from "../settings";
import type { IStillRunningSteps } from "../tokens";
import type { SnapshotRunView } from "./snapshot-view";
import { RUN_VIEW_MIME_TYPE } from "./mime-type";
import { type RunSnapshots, runSnapshots } from "./snapshots";
import { StillRunningNote } from "./still-running";
import { approveOrigin, runViewSource, settingsFor } from "./trust";

export { RUN_VIEW_MIME_TYPE } from "./mime-type";

export class RunViewRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: RunViewRenderer.IOptions) {
    super();
    this.addClass("jp-RunGraphOutput");
    this._commands = options.commands;
    this._settings = options.settings;
    this._client = options.client ?? null;
    this._steps = options.stillRunning ?? null;
    this.layout = new PanelLayout();
    this._stillRunning = new StillRunningNote({ steps: this._steps });
    (this.layout as PanelLayout).addWidget(this._stillRunning);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    // For the benchmark: the first render counted from here, the lazy load included.
    this.node.dataset.renderModelAt ??= performance.now().toFixed(1);
    const bundle = model.data[RUN_VIEW_MIME_TYPE] as unknown as IRunViewBundle | undefined;
    if (!bundle || typeof bundle.rootId !== "string") {
      this.node.textContent = "This run view has no root run id: rerun the cell.";
      return;
    }
    const { RunGraphData } = await import("../graph/model");
    if (this.isDisposed) {
      return;
    }
    this._bundle = bundle;
    this._syncStillRunning();
    if (this._registration === null) {
      this._registration = runSnapshots.set(bundle);
    } else {
      this._registration.update(bundle);
    }
    const graph = RunGraphData.fromBundle(bundle);
    // Updates arrive while the first one still loads its view: one view, made once.
    this._created ??= this._createView(bundle);
    await this._created;
    if (this.isDisposed) {
      return;
    }
    this._show(graph);
  }

  protected override onAfterAttach(): void {
    // Rendered before it was in the page: now its notebook (and kernel) can be found.
    this._syncStillRunning();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._live?.dispose();
    this._live = null;
    this._snapshot?.dispose();
    this._snapshot = null;
    this._registration?.dispose();
    this._registration = null;
    super.dispose();
  }

  /** The still-running note, reported with the kernel of the notebook that shows this view. */
  private _syncStillRunning(): void {
    if (this._bundle === null) {
      return;
    }
    const kernel = this.isAttached ? (this._steps?.kernelOf(this.node) ?? null) : null;
    this._stillRunning.sync(this._bundle, kernel);
  }

  private async _createView(bundle: IRunViewBundle): Promise<void> {
    const source = runViewSource(bundle, this._settings());
    switch (source.kind) {
      case "silent":
      case "foreign": {
        const { SnapshotRunView } = await import("./snapshot-view");
        if (this.isDisposed) {
          return;
        }
        this._snapshot = new SnapshotRunView({
          commands: this._commands,
          kind: source.kind,
          serverUrl: source.kind === "foreign" ? source.serverUrl : undefined,
          onConnect: () => void this._askToConnect(),
        });
        (this.layout as PanelLayout).addWidget(this._snapshot);
        return;
      }
      case "configured":
        await this._goLive(source.serverUrl, false);
        return;
      case "approved":
        await this._goLive(source.serverUrl, source.sendToken);
        return;
    }
  }

  /** Follows the run live from `serverUrl`; the token goes there only when `sendToken`. */
  private async _goLive(serverUrl: string, sendToken: boolean): Promise<void> {
    const { LiveRunGraphView } = await import("../live/view");
    if (this.isDisposed || this._bundle === null) {
      return;
    }
    const settings = (): ITsematicSettings => settingsFor(this._settings(), serverUrl, sendToken);
    // The configured server's run: through the extension's one client; another server's: its own.
    const client = serverUrl === this._settings().serverUrl ? this._client : null;
    this._live = new LiveRunGraphView({
      commands: this._commands,
      settings,
      sourceOptions: client ? { client } : {},
    });
    (this.layout as PanelLayout).addWidget(this._live);
  }

  private _show(graph: RunGraphData): void {
    if (this._live !== null) {
      this._live.setSnapshot(graph);
      this._live.setRoot(graph.rootId);
    } else {
      this._snapshot?.setGraph(graph);
    }
  }

  /** Asks before following a run of another server, and whether it may get the token. */
  private async _askToConnect(): Promise<void> {
    const bundle = this._bundle;
    if (bundle === null) {
      return;
    }
    const source = runViewSource(bundle, this._settings());
    if (source.kind !== "foreign") {
      return;
    }
    const { Dialog, showDialog } = await import("@jupyterlab/apputils");
    const answer = await showDialog({
      title: "Connect to another lineage server?",
      body:
        `This notebook's output names the lineage server ${source.serverUrl}, which is not ` +
        `the one in Settings › Tsematic (${this._settings().serverUrl}). Connecting lets that ` +
        "server see this page's requests; your lineage token is not sent unless you allow it below.",
      checkbox: {
        label: `Also send my lineage token to ${source.origin}`,
        caption: "Only for a server you run or trust: the token opens your lineage server.",
        checked: false,
      },
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: "Connect" })],
    });
    if (!answer.button.accept || this.isDisposed || this._live !== null) {
      return;
    }
    const sendToken = answer.isChecked === true;
    approveOrigin(source.origin, sendToken);
    this._snapshot?.dispose();
    this._snapshot = null;
    await this._goLive(source.serverUrl, sendToken);
    if (this.isDisposed || this._bundle === null) {
      return;
    }
    const { RunGraphData } = await import("../graph/model");
    this._show(RunGraphData.fromBundle(this._bundle));
  }

  private readonly _commands: CommandRegistry;
  private readonly _stillRunning: StillRunningNote;
  private readonly _settings: () => ITsematicSettings;
  private readonly _client: LineageClient | null;
  private readonly _steps: IStillRunningSteps | null;
  private _bundle: IRunViewBundle | null = null;
  private _created: Promise<void> | null = null;
  private _registration: RunSnapshots.IRegistration | null = null;
  private _live: LiveRunGraphView | null = null;
  private _snapshot: SnapshotRunView | null = null;
}

export namespace RunViewRenderer {
  export interface IOptions {
    commands: CommandRegistry;
    settings: () => ITsematicSettings;
    /** The client of the configured server (ILineageClient), for runs of that server. */
    client?: LineageClient;
    /** The canceled steps whose code still runs (IStillRunningSteps), when the page has them. */
    stillRunning?: IStillRunningSteps | null;
  }
}

/** The renderer factory; `safe`: it shows data only, never runs code from the output. */
export function runViewRendererFactory(
  options: RunViewRenderer.IOptions,
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [RUN_VIEW_MIME_TYPE],
    defaultRank: 10,
    createRenderer: () => new RunViewRenderer(options),
  };
}
