/**
 * The pipeline view, the comparison of two runs and the notes of root runs.
 *
 * - `tsematic:open-pipeline` ({ stepName? }): a main-area view of a pipeline (its runs over time,
 *   success rate, metrics across runs, curves and notes of a picked run). Without a name: the
 *   pipeline of the selected run (the runs panel's context menu selects the run under it, see
 *   schema/pipeline.json), else asked for.
 * - `tsematic:compare-runs` ({ before?, after? }): "Compare Runs…": the two runs given, else the two
 *   ticked in the current pipeline view, else asked for. (The runs panel selects one run at a time,
 *   so two runs are picked in the pipeline view.)
 * - {@link IRunNotes}: the live notes pane of a root run, which the step panel shows for a root.
 *
 * @example
 * ```ts
 * await app.commands.execute("tsematic:open-pipeline", { stepName: "trainPipeline" });
 * await app.commands.execute("tsematic:compare-runs", { before: "r-old", after: "r-new" });
 * ```
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin,
} from "@jupyterlab/application";
import { ICommandPalette, InputDialog, MainAreaWidget, WidgetTracker } from "@jupyterlab/apputils";

import { NotesPane } from "../notes/pane";
import { PipelineApi } from "../pipeline/api";
import { CompareView } from "../pipeline/compare-view";
import { PipelineView } from "../pipeline/view";
import {
  ILineageClient,
  ILineageSettings,
  IRunNotes,
  IRunSelection,
  type ITsematicSettings,
} from "../tokens";

namespace CommandIDs {
  export const openPipeline = "tsematic:open-pipeline";
  export const compareRuns = "tsematic:compare-runs";
  /** The runs panel's (plugins/runs.ts), when it is loaded. */
  export const showRuns = "tsematic:show-runs";
}

export const runNotesPlugin: JupyterFrontEndPlugin<IRunNotes> = {
  id: "tsematic-jupyterlab:run-notes",
  description: "The live notes pane of a root run (Yjs through the lineage server).",
  autoStart: true,
  requires: [ILineageSettings, ILineageClient],
  provides: IRunNotes,
  activate: (
    _app: JupyterFrontEnd,
    settings: ILineageSettings,
    client: ILineageClient,
  ): IRunNotes => {
    const api = new PipelineApi({ client });
    return {
      createPane: (rootId) =>
        new NotesPane({ rootId, api, settings: (): ITsematicSettings => settings.current }),
    };
  },
};

export const pipelinePlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:pipeline",
  description: "The pipeline view (runs and metrics across runs) and the comparison of two runs.",
  autoStart: true,
  requires: [ILineageSettings, ILineageClient, IRunSelection],
  optional: [ICommandPalette, ILayoutRestorer],
  activate: async (
    app: JupyterFrontEnd,
    lineageSettings: ILineageSettings,
    client: ILineageClient,
    selection: IRunSelection,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
  ): Promise<void> => {
    // A view the restorer reopens must call the configured server.
    await lineageSettings.ready;
    const settings = (): ITsematicSettings => lineageSettings.current;
    const api = new PipelineApi({ client });
    const pipelines = new WidgetTracker<MainAreaWidget<PipelineView>>({
      namespace: "tsematic-pipeline",
    });
    const comparisons = new WidgetTracker<MainAreaWidget<CompareView>>({
      namespace: "tsematic-compare",
    });

    /** Selecting the run shows its graph in the runs panel; the panel is brought forward. */
    const openRun = (rootId: string): void => {
      selection.select(rootId);
      if (app.commands.hasCommand(CommandIDs.showRuns)) {
        void app.commands.execute(CommandIDs.showRuns);
      }
    };

    const compare = (before: string, after: string): MainAreaWidget<CompareView> => {
      const existing = comparisons.find(
        (widget) => widget.content.before === before && widget.content.after === after,
      );
      if (existing) {
        app.shell.activateById(existing.id);
        return existing;
      }
      const content = new CompareView({ before, after, api, openRun });
      const widget = new MainAreaWidget({ content });
      widget.id = `tsematic-compare-${before}-${after}`;
      widget.title.label = content.title.label;
      widget.title.caption = content.title.caption;
      void comparisons.add(widget);
      app.shell.add(widget, "main");
      app.shell.activateById(widget.id);
      return widget;
    };

    app.commands.addCommand(CommandIDs.openPipeline, {
      label: (args) => (args.origin === "runs-panel" ? "Open Pipeline" : "Open Tsematic Pipeline…"),
      caption: "Open a pipeline's runs over time, success rate and metrics across runs",
      execute: async (args) => {
        let stepName = typeof args.stepName === "string" ? args.stepName : "";
        if (!stepName && selection.run && selection.run.id === selection.rootId) {
          stepName = selection.run.name;
        }
        if (!stepName) {
          const answer = await InputDialog.getText({
            title: "Open Tsematic Pipeline",
            label: "Pipeline (the name of its root step):",
            placeholder: "trainPipeline",
          });
          stepName = answer.button.accept ? (answer.value ?? "").trim() : "";
        }
        if (!stepName) {
          return null;
        }
        const existing = pipelines.find((widget) => widget.content.stepName === stepName);
        if (existing) {
          app.shell.activateById(existing.id);
          void existing.content.refresh();
          return existing;
        }
        const content = new PipelineView({
          stepName,
          api,
          settings,
          openRun,
          compare: (before, after) => void compare(before, after),
        });
        const widget = new MainAreaWidget({ content });
        widget.id = `tsematic-pipeline-${encodeURIComponent(stepName)}`;
        widget.title.label = content.title.label;
        widget.title.caption = content.title.caption;
        void pipelines.add(widget);
        app.shell.add(widget, "main");
        app.shell.activateById(widget.id);
        return widget;
      },
    });

    app.commands.addCommand(CommandIDs.compareRuns, {
      label: "Compare Runs…",
      caption: "Compare two runs of a pipeline: inputs, outputs, metrics and code that differ",
      execute: async (args) => {
        let pair: string[] = [];
        if (typeof args.before === "string" && typeof args.after === "string") {
          pair = [args.before, args.after];
        } else {
          const view = pipelines.currentWidget?.content;
          if (view && view.ticked.length === 2) {
            pair = [...view.ticked];
          } else {
            const answer = await InputDialog.getText({
              title: "Compare Runs",
              label: "Two root run ids, the older first (or tick two runs in a pipeline view):",
              placeholder: "1f3a… 9b2c…",
            });
            pair = answer.button.accept ? (answer.value ?? "").split(/[\s,]+/).filter(Boolean) : [];
            if (answer.button.accept && pair.length !== 2) {
              throw new Error(
                `Compare Runs needs two run ids separated by a space; got ${pair.length}.`,
              );
            }
          }
        }
        if (pair.length !== 2) {
          return null;
        }
        return compare(pair[0]!, pair[1]!);
      },
    });

    palette?.addItem({ command: CommandIDs.openPipeline, category: "Tsematic" });
    palette?.addItem({ command: CommandIDs.compareRuns, category: "Tsematic" });

    if (restorer) {
      void restorer.restore(pipelines, {
        command: CommandIDs.openPipeline,
        args: (widget) => ({ stepName: widget.content.stepName }),
        name: (widget) => widget.content.stepName,
      });
      void restorer.restore(comparisons, {
        command: CommandIDs.compareRuns,
        args: (widget) => ({ before: widget.content.before, after: widget.content.after }),
        name: (widget) => `${widget.content.before}-${widget.content.after}`,
      });
    }
  },
};

/** Both plugins, for the extension's list (index.ts). */
export const pipelinePlugins: JupyterFrontEndPlugin<unknown>[] = [runNotesPlugin, pipelinePlugin];
