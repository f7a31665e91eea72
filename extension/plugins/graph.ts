/**
 * The run graph under the runs side panel: selecting a run there shows its graph, live. Also
 * starts the graph's layout worker (elkjs) once the page is idle, so that the first graph shown,
 * here or in a notebook output, does not wait for it.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ISettingRegistry } from "@jupyterlab/settingregistry";

import { watchSettings } from "../settings";
import { LiveRunGraphView } from "../live/view";
import { RunListPanel } from "../runs/widget";

/** The id of the runs side panel (runs/widget.ts). */
const RUNS_PANEL_ID = "tsematic-runs";

export const runGraphPanelPlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:run-graph-panel",
  description: "The live graph of the run selected in the Tsematic runs side panel.",
  autoStart: true,
  optional: [ISettingRegistry],
  activate: (app: JupyterFrontEnd, registry: ISettingRegistry | null): void => {
    // Not awaited: `app.restored` waits for every plugin's activation, this one included.
    void Promise.all([watchSettings(registry), app.restored]).then(([settings]) => {
      const panel = [...app.shell.widgets("left")].find((widget) => widget.id === RUNS_PANEL_ID);
      if (!(panel instanceof RunListPanel)) {
        console.warn("Tsematic: no runs side panel; the run graph is not shown there.");
        return;
      }
      const view = new LiveRunGraphView({
        commands: app.commands,
        settings,
        emptyNote: "Select a run above to see its graph.",
      });
      view.id = "tsematic-run-graph";
      view.title.label = "Graph";
      panel.addWidget(view);
      const model = panel.model;
      const follow = (): void => view.setRoot(model.selectedId);
      model.selectionChanged.connect(follow);
      panel.disposed.connect(() => {
        model.selectionChanged.disconnect(follow);
        view.dispose();
      });
      follow();
    });
  },
};
