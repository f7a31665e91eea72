/**
 * Registers the renderer of the run view (`application/vnd.tsematic.run.v1+json`) in notebook
 * outputs.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { ISettingRegistry } from "@jupyterlab/settingregistry";

import { runViewRendererFactory } from "../mime/renderer";
import { type ITsematicSettings, resolveSettings, watchSettings } from "../settings";

export const runViewMimePlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:run-view-mime",
  description: "Shows the live run graph in notebook outputs of `await pipeline(...)`.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [ISettingRegistry],
  activate: async (
    app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    registry: ISettingRegistry | null,
  ): Promise<void> => {
    // Registered before the settings load, so outputs restored with the page find it.
    let current: () => ITsematicSettings = () => resolveSettings({});
    const factory = runViewRendererFactory({ commands: app.commands, settings: () => current() });
    rendermime.addFactory(factory, factory.defaultRank);
    current = await watchSettings(registry);
  },
};
