/**
 * A promoted (cloud) run's live graph beside its notebook: the run view's MIME output
 * (`application/vnd.tsematic.run.v1+json`, rendered by the notebook outputs' renderer), in a panel of its own so that nothing is written into the user's cells. The run lives
 * on the lineage server: the layout restorer reopens the panel after a page reload, and the view
 * reconnects from the run's id alone.
 *
 * @example
 * ```ts
 * const panel = new PromotedRunPanel({ run, commands, settings: () => settings.current, client });
 * app.shell.add(panel, "main", { mode: "split-right", ref: notebook.id });
 * ```
 */
import { MainAreaWidget } from "@jupyterlab/apputils";
import { MimeModel } from "@jupyterlab/rendermime";
import { CommandToolbarButton } from "@jupyterlab/ui-components";
import type { CommandRegistry } from "@lumino/commands";
import { Panel } from "@lumino/widgets";

import type { LineageClient } from "../client";
import { cancelPipelineIcon, runsIcon } from "../icons";
import { RUN_VIEW_MIME_TYPE, RunViewRenderer } from "../mime/renderer";
import type { ITsematicSettings } from "../settings";
import type { IPromotedRun } from "./run";

export { type IPromotedRun, promotedRunOf } from "./run";

export class PromotedRunPanel extends MainAreaWidget<Panel> {
  constructor(options: PromotedRunPanel.IOptions) {
    super({ content: new Panel() });
    const { run } = options;
    this.run = run;
    this.id = `tsematic-promoted-${run.rootId}`;
    this.addClass("jp-TsematicPromotedRun");
    this.title.icon = runsIcon;
    this.title.label = `${run.stepName} · ${run.executor}`;
    this.title.caption = `Cloud run ${run.rootId} of ${run.stepName} on the ${run.executor} executor`;
    this.title.closable = true;
    this.content.addClass("jp-TsematicPromotedRun-output");
    this.toolbar.addItem(
      "cancel",
      // The command's button: disabled, as everywhere else, once the run has ended.
      new CommandToolbarButton({
        commands: options.commands,
        id: "tsematic:cancel-run",
        args: { rootId: run.rootId, serverUrl: run.serverUrl },
        // Not JupyterLab's stop square: that one interrupts the kernel.
        icon: cancelPipelineIcon,
        label: "Cancel Run",
        caption: `Cancel cloud run ${run.rootId} and its jobs`,
      }),
    );
    // The notebook outputs' renderer, made here rather than looked up in the MIME registry: a
    // panel restored with the page may come before the renderer's plugin has registered it.
    const renderer = new RunViewRenderer({
      commands: options.commands,
      settings: options.settings,
      client: options.client,
    });
    this.content.addWidget(renderer);
    // A bundle with no runs: the view reads the graph from the server and follows it live.
    const bundle = {
      version: 1,
      rootId: run.rootId,
      stepName: run.stepName,
      mode: "cloud",
      serverUrl: run.serverUrl,
      state: "running",
      final: false,
      runs: [],
    };
    void renderer.renderModel(
      new MimeModel({ data: { [RUN_VIEW_MIME_TYPE]: bundle }, trusted: true }),
    );
  }

  readonly run: IPromotedRun;
}

export namespace PromotedRunPanel {
  export interface IOptions {
    run: IPromotedRun;
    commands: CommandRegistry;
    settings: () => ITsematicSettings;
    /** The configured server's client (ILineageClient). */
    client: LineageClient;
  }
}
