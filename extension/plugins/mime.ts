/**
 * Registers the renderer of the run view (`application/vnd.tsematic.run.v1+json`) in notebook
 * outputs.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";

import { runViewRendererFactory } from "../mime/renderer";
import { ILineageClient, ILineageSettings, IStillRunningSteps } from "../tokens";

export const runViewMimePlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:run-view-mime",
  description: "Shows the live run graph in notebook outputs of `await pipeline(...)`.",
  autoStart: true,
  requires: [IRenderMimeRegistry, ILineageSettings, ILineageClient],
  optional: [IStillRunningSteps],
  activate: (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    settings: ILineageSettings,
    client: ILineageClient,
    stillRunning: IStillRunningSteps | null,
  ): void => {
    // Registered at once (the settings may still load), so outputs restored with the page find
    // it; a view reads the settings when it is made.
    const factory = runViewRendererFactory({
      commands: app.commands,
      settings: () => settings.current,
      client,
      stillRunning,
    });
    rendermime.addFactory(factory, factory.defaultRank);
  },
};
