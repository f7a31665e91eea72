/**
 * The run graph in a main-area tab, large enough to read: `tsematic:open-run-graph-tab`
 * ({ rootId, label? }) shows the live graph of a root run there. One tab is reused: opening
 * another run's graph replaces what it shows. "Open Run Graph" in the runs panel's context menu
 * opens it (the panel's own graph beneath the list is small).
 *
 * @example
 * ```ts
 * await app.commands.execute("tsematic:open-run-graph-tab", { rootId, label: "pipeline" });
 * ```
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { MainAreaWidget } from "@jupyterlab/apputils";

import { runsIcon } from "../icons";
import { LiveRunGraphView } from "../live/view";
import { ILineageClient, ILineageSettings } from "../tokens";

/** The command: the graph of `rootId` in the reused main-area tab. */
export const OPEN_RUN_GRAPH_TAB = "tsematic:open-run-graph-tab";

export const graphTabPlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:graph-tab",
  description: "A root run's live graph in a main-area tab.",
  autoStart: true,
  requires: [ILineageSettings, ILineageClient],
  activate: (app: JupyterFrontEnd, settings: ILineageSettings, client: ILineageClient): void => {
    let tab: MainAreaWidget<LiveRunGraphView> | null = null;
    app.commands.addCommand(OPEN_RUN_GRAPH_TAB, {
      label: "Open Run Graph in a Tab",
      caption: "Show the live graph of a pipeline run in the main area",
      icon: runsIcon,
      execute: (args) => {
        const rootId = typeof args.rootId === "string" ? args.rootId : "";
        if (!rootId) {
          throw new Error(`${OPEN_RUN_GRAPH_TAB} needs a rootId argument (a root run's id).`);
        }
        if (tab === null || tab.isDisposed) {
          const content = new LiveRunGraphView({
            commands: app.commands,
            settings: () => settings.current,
            sourceOptions: { client },
          });
          tab = new MainAreaWidget({ content });
          tab.id = "tsematic-run-graph-tab";
          tab.addClass("jp-TsematicGraphTab");
          tab.title.icon = runsIcon;
          tab.title.closable = true;
          app.shell.add(tab, "main");
        }
        const name = typeof args.label === "string" && args.label ? args.label : rootId.slice(0, 8);
        tab.title.label = `Graph: ${name}`;
        tab.title.caption = `Run graph of root run ${rootId}`;
        tab.content.setRoot(rootId);
        app.shell.activateById(tab.id);
        return tab;
      },
    });
  },
};
