/**
 * Tsematic's JupyterLab extension: wiring only. The transport is in client.ts, the settings in
 * settings.ts, the runs side panel in runs/.
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin,
} from "@jupyterlab/application";
import { ICommandPalette } from "@jupyterlab/apputils";
import { ISettingRegistry } from "@jupyterlab/settingregistry";
import { refreshIcon, settingsIcon } from "@jupyterlab/ui-components";

import { LineageClient } from "./client";
import { runGraphPanelPlugin } from "./plugins/graph";
import { runViewMimePlugin } from "./plugins/mime";
import { stepPlugin } from "./plugins/step";
import commandsPlugin from "./plugins/commands";
import { RunListModel } from "./runs/model";
import { RunListPanel } from "./runs/widget";
import {
  type ITsematicSettings,
  resolveSettings,
  SETTINGS_PLUGIN_ID,
  watchSettings,
} from "./settings";

namespace CommandIDs {
  export const refreshRuns = "tsematic:refresh-runs";
  export const openSettings = "tsematic:open-settings";
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: SETTINGS_PLUGIN_ID,
  description: "The Tsematic runs side panel and the extension's settings.",
  autoStart: true,
  requires: [ISettingRegistry],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: async (
    app: JupyterFrontEnd,
    registry: ISettingRegistry,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
  ): Promise<void> => {
    let settings: () => ITsematicSettings = () => resolveSettings({});
    const client = new LineageClient({ settings: () => settings() });
    let panel: RunListPanel | null = null;
    // No calls to the server while nobody looks at the runs (the panel is hidden or the tab is).
    const model = new RunListModel({
      client,
      standby: () => !panel?.isVisible || "when-hidden",
    });

    settings = await watchSettings(registry, () => void model.refresh());
    void model.refresh();

    app.commands.addCommand(CommandIDs.refreshRuns, {
      label: "Refresh Tsematic Runs",
      caption: "Fetch the runs from the lineage server now",
      icon: refreshIcon,
      execute: () => model.refresh(),
    });
    app.commands.addCommand(CommandIDs.openSettings, {
      label: "Tsematic Settings",
      caption: "Set the lineage server's URL and token",
      icon: settingsIcon,
      execute: () => app.commands.execute("settingeditor:open", { query: "Tsematic" }),
    });
    palette?.addItem({ command: CommandIDs.refreshRuns, category: "Tsematic" });
    palette?.addItem({ command: CommandIDs.openSettings, category: "Tsematic" });

    panel = new RunListPanel({
      model,
      commands: app.commands,
      toolbarCommands: [CommandIDs.refreshRuns, CommandIDs.openSettings],
    });
    panel.disposed.connect(() => model.dispose());
    app.shell.add(panel, "left", { rank: 600 });
    restorer?.add(panel, "tsematic-runs");
  },
};

export default [plugin, commandsPlugin, stepPlugin, runGraphPanelPlugin, runViewMimePlugin];
