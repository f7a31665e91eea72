/**
 * The "Tsematic runs" side panel: the list of pipeline runs and, beneath it, the live graph of the
 * selected one ({@link IRunSelection}: a command or another plugin selecting a run shows it here).
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin,
} from "@jupyterlab/application";
import { ICommandPalette } from "@jupyterlab/apputils";
import { refreshIcon } from "@jupyterlab/ui-components";

import { LiveRunGraphView } from "../live/view";
import { RunListModel } from "../runs/model";
import { RunListPanel } from "../runs/widget";
import { ILineageClient, ILineageSettings, IRunSelection } from "../tokens";

namespace CommandIDs {
  export const refreshRuns = "tsematic:refresh-runs";
  /** The settings plugin's (plugins/services.ts). */
  export const openSettings = "tsematic:open-settings";
  export const showRuns = "tsematic:show-runs";
}

export const runsPanelPlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:runs-panel",
  description: "The Tsematic runs side panel, with the live graph of the selected run.",
  autoStart: true,
  requires: [ILineageSettings, ILineageClient, IRunSelection],
  optional: [ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    settings: ILineageSettings,
    client: ILineageClient,
    selection: IRunSelection,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
  ): void => {
    let panel: RunListPanel | null = null;
    // No calls to the server while nobody looks at the runs (the panel is hidden or the tab is).
    const model = new RunListModel({
      client,
      selection,
      standby: () => !panel?.isVisible || "when-hidden",
    });
    const refresh = (): void => void model.refresh();
    settings.changed.connect(refresh);
    // The user's server, not the default one, once their settings are in.
    void settings.ready.then(refresh);

    app.commands.addCommand(CommandIDs.refreshRuns, {
      label: "Refresh Tsematic Runs",
      caption: "Fetch the runs from the lineage server now",
      icon: refreshIcon,
      execute: () => model.refresh(),
    });
    app.commands.addCommand(CommandIDs.showRuns, {
      label: "Show Tsematic Runs",
      caption: "Show the runs side panel (the selected run's graph is beneath the list)",
      execute: () => {
        if (panel && !panel.isDisposed) {
          app.shell.activateById(panel.id);
        }
      },
    });
    palette?.addItem({ command: CommandIDs.refreshRuns, category: "Tsematic" });

    panel = new RunListPanel({
      model,
      commands: app.commands,
      toolbarCommands: [CommandIDs.refreshRuns, CommandIDs.openSettings],
    });
    const graph = new LiveRunGraphView({
      commands: app.commands,
      settings: () => settings.current,
      sourceOptions: { client },
      emptyNote: "Select a run above to see its graph.",
    });
    graph.id = "tsematic-run-graph";
    graph.title.label = "Graph";
    panel.addWidget(graph);
    const follow = (): void => graph.setRoot(selection.rootId);
    selection.changed.connect(follow);
    follow();
    panel.disposed.connect(() => {
      selection.changed.disconnect(follow);
      settings.changed.disconnect(refresh);
      graph.dispose();
      model.dispose();
    });
    app.shell.add(panel, "left", { rank: 600 });
    restorer?.add(panel, "tsematic-runs");
  },
};
