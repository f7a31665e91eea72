/**
 * The renderer of `application/vnd.tsematic.run.v1+json`, the run view kernel-lib displays for
 * `await pipeline(...)`: the live graph when the lineage server answers with the configured token,
 * else the snapshot saved in the output, with a note saying so. The graph code is loaded on the
 * first render (modelled on JupyterLab's vega5-extension), and `dispose()` closes the connection.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import type { CommandRegistry } from "@lumino/commands";
import { PanelLayout, Widget } from "@lumino/widgets";

import type { IRunViewBundle } from "../graph/model";
import type { LiveRunGraphView } from "../live/view";
import type { ITsematicSettings } from "../settings";

/** The MIME type, versioned: a change that breaks readers gets a new one. */
export const RUN_VIEW_MIME_TYPE = "application/vnd.tsematic.run.v1+json";

export class RunViewRenderer extends Widget implements IRenderMime.IRenderer {
  constructor(options: RunViewRenderer.IOptions) {
    super();
    this.addClass("jp-RunGraphOutput");
    this._commands = options.commands;
    this._settings = options.settings;
    this.layout = new PanelLayout();
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    // For the benchmark: the first render counted from here, the lazy load included.
    this.node.dataset.renderModelAt ??= performance.now().toFixed(1);
    const bundle = model.data[RUN_VIEW_MIME_TYPE] as unknown as IRunViewBundle | undefined;
    if (!bundle || typeof bundle.rootId !== "string") {
      this.node.textContent = "This run view has no root run id: rerun the cell.";
      return;
    }
    const [{ LiveRunGraphView }, { RunGraphData }] = await Promise.all([
      import("../live/view"),
      import("../graph/model"),
    ]);
    if (this.isDisposed) return;
    if (this._view === null) {
      const serverUrl = (bundle.serverUrl ?? "").replace(/\/+$/, "");
      const settings = (): ITsematicSettings => {
        const current = this._settings();
        return serverUrl ? { ...current, serverUrl } : current;
      };
      this._view = new LiveRunGraphView({ commands: this._commands, settings });
      (this.layout as PanelLayout).addWidget(this._view);
    }
    this._view.setSnapshot(RunGraphData.fromBundle(bundle));
    this._view.setRoot(bundle.rootId);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this._view?.dispose();
    this._view = null;
    super.dispose();
  }

  private readonly _commands: CommandRegistry;
  private readonly _settings: () => ITsematicSettings;
  private _view: LiveRunGraphView | null = null;
}

export namespace RunViewRenderer {
  export interface IOptions {
    commands: CommandRegistry;
    settings: () => ITsematicSettings;
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
