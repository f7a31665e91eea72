/**
 * Reruns from JupyterLab, without the notebook's kernel (the server executes the root's stored
 * code package, design.md "Reruns"):
 * - `tsematic:rerun-from-scratch` ("Rerun from Scratch"): the same inputs, cache off;
 * - `tsematic:rerun-from-here` ("Rerun from Here"): a step run and what depends on it run again,
 *   the rest is reused;
 * - `tsematic:rerun-with-inputs` ("Rerun with New Inputs…"): a form built from the root's inputs.
 *
 * They act on explicit `{ rootId, runId }` arguments, else on the run selection
 * ({@link IRunSelection}): the runs panel selects the run under its context menu, the run graph
 * the run under its own (`tsematic:select-graph-run`, executed by graph/widget.ts), and the step
 * panel that is current its step run. A root without a stored code package gets a dialog that
 * offers to rerun its notebook cell (`tsematic:rerun`, plugins/commands.ts). After a rerun the
 * new root is selected: the runs panel lists it and shows its graph.
 *
 * @example
 * ```ts
 * await app.commands.execute("tsematic:rerun-from-here", { rootId: "r-1f3a", runId: "r-77c0" });
 * ```
 */
import {
  ILabShell,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin,
} from "@jupyterlab/application";
import {
  CommandToolbarButton,
  Dialog,
  ICommandPalette,
  MainAreaWidget,
  Notification,
  showDialog,
} from "@jupyterlab/apputils";
import { runIcon } from "@jupyterlab/ui-components";
import type { ReadonlyJSONObject, ReadonlyPartialJSONObject } from "@lumino/coreutils";
import type { Widget } from "@lumino/widgets";

import { LineageServerError } from "../client";
import { SELECT_RUN_COMMAND } from "../graph/widget";
import { type IRerunRequest, requestRerun, rerunRefusal } from "../rerun/api";
import { RerunForm } from "../rerun/form";
import { loadRerunForm } from "../rerun/load";
import { submitRerunForm } from "../rerun/submit";
import { StepPanel } from "../step/panel";
import { ILineageClient, ILineageSettings, IRunSelection } from "../tokens";

namespace CommandIDs {
  export const fromScratch = "tsematic:rerun-from-scratch";
  export const fromHere = "tsematic:rerun-from-here";
  export const withInputs = "tsematic:rerun-with-inputs";
  export const selectGraphRun = SELECT_RUN_COMMAND;
  /** plugins/commands.ts: re-executes the notebook cell that started a run. */
  export const rerunCell = "tsematic:rerun";
  /** plugins/runs.ts, when loaded. */
  export const refreshRuns = "tsematic:refresh-runs";
  export const showRuns = "tsematic:show-runs";
}

/** What a rerun command acts on: a root run and, for "from here", one of its step runs. */
interface ITarget {
  readonly rootId: string;
  /** The step run chosen; equal to rootId (or null) when the root itself is. */
  readonly runId: string | null;
}

export const rerunPlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:rerun",
  description:
    "Rerun a pipeline from its stored code package: from scratch, from a step, with new inputs.",
  autoStart: true,
  requires: [ILineageClient, IRunSelection, ILineageSettings],
  optional: [ICommandPalette, ILabShell],
  activate: (
    app: JupyterFrontEnd,
    client: ILineageClient,
    selection: IRunSelection,
    settings: ILineageSettings,
    palette: ICommandPalette | null,
    labShell: ILabShell | null,
  ): void => {
    const { commands } = app;

    const target = (args: ReadonlyPartialJSONObject): ITarget | null => {
      if (typeof args.rootId === "string" && args.rootId) {
        return { rootId: args.rootId, runId: typeof args.runId === "string" ? args.runId : null };
      }
      if (typeof args.runId === "string" && args.runId) {
        // A step panel's button names its run; its root is known once the panel selected it.
        return selection.rootId && selection.stepId === args.runId
          ? { rootId: selection.rootId, runId: args.runId }
          : null;
      }
      return selection.rootId ? { rootId: selection.rootId, runId: selection.stepId } : null;
    };
    /** A step run of the root other than the root: "from here" applies. */
    const stepOf = (run: ITarget | null): string | null =>
      run?.runId && run.runId !== run.rootId ? run.runId : null;

    /** Makes a rerun, reports a refusal, and shows the new run. */
    /** The executor setting, when the user chose one; else the server uses the original's. */
    const executor = (): { executor?: string } => {
      const chosen = settings.current.defaultExecutor;
      return chosen ? { executor: chosen } : {};
    };

    const rerun = async (rootId: string, request: IRerunRequest): Promise<void> => {
      try {
        const answer = await requestRerun(client, rootId, { ...executor(), ...request });
        await showNewRun(answer.rootId, rootId);
      } catch (error) {
        await reportFailure(rootId, error);
      }
    };

    const showNewRun = async (newRootId: string, original: string): Promise<void> => {
      // Selected first: the runs panel's graph follows the selection, the list brings it into view.
      selection.select(newRootId);
      for (const command of [CommandIDs.refreshRuns, CommandIDs.showRuns]) {
        if (commands.hasCommand(command)) {
          await commands.execute(command);
        }
      }
      Notification.success(`Run ${newRootId} started: a rerun of ${original}.`, {
        autoClose: 5000,
      });
    };

    const reportFailure = async (rootId: string, error: unknown): Promise<void> => {
      const refusal = rerunRefusal(error);
      if (refusal?.code === "no_package") {
        await noPackageDialog(rootId, refusal.message);
        return;
      }
      const message =
        error instanceof LineageServerError || refusal
          ? (refusal?.message ?? (error as Error).message)
          : `Run ${rootId} could not be rerun: ${String(error)}`;
      Notification.error(message, { autoClose: false });
    };

    const noPackageDialog = async (rootId: string, reason: string): Promise<void> => {
      const canRerunCell =
        commands.hasCommand(CommandIDs.rerunCell) &&
        commands.isEnabled(CommandIDs.rerunCell, { rootId });
      const answer = await showDialog({
        title: "This run cannot be rerun without its notebook",
        body:
          `${reason || `Run ${rootId} has no stored code package.`} ` +
          (canRerunCell
            ? "Its notebook is open: its cell can be run again, as before (a new run)."
            : "Open the notebook that ran it and run its cell again (Rerun Pipeline Cell)."),
        buttons: canRerunCell
          ? [Dialog.cancelButton(), Dialog.okButton({ label: "Rerun Cell" })]
          : [Dialog.okButton({ label: "Close" })],
      });
      if (canRerunCell && answer.button.accept) {
        await commands.execute(CommandIDs.rerunCell, { rootId });
      }
    };

    commands.addCommand(CommandIDs.selectGraphRun, {
      label: "Select Run in Graph",
      execute: (args) => {
        const runId = typeof args.runId === "string" ? args.runId : "";
        const rootId = typeof args.rootId === "string" ? args.rootId : "";
        if (runId && rootId) {
          selection.select(rootId, { stepId: runId });
        }
      },
    });

    commands.addCommand(CommandIDs.fromScratch, {
      label: "Rerun from Scratch",
      caption: "Run this pipeline again from its stored code package, same inputs, cache off",
      icon: runIcon,
      isEnabled: (args) => target(args) !== null,
      // In a menu on a step of the graph, "from here" is the item; on its root, this one.
      isVisible: (args) => args.origin !== "graph" || stepOf(target(args)) === null,
      execute: async (args) => {
        const run = target(args);
        if (run) {
          await rerun(run.rootId, { cache: false });
        }
      },
    });

    commands.addCommand(CommandIDs.fromHere, {
      label: "Rerun from Here",
      caption: "Run this step and what depends on it again; reuse the other runs of the pipeline",
      icon: runIcon,
      isEnabled: (args) => stepOf(target(args)) !== null,
      isVisible: (args) => !args.origin || stepOf(target(args)) !== null,
      execute: async (args) => {
        const run = target(args);
        const from = stepOf(run);
        if (run && from) {
          await rerun(run.rootId, { from });
        }
      },
    });

    commands.addCommand(CommandIDs.withInputs, {
      label: "Rerun with New Inputs…",
      caption: "Run this pipeline again with some of its inputs replaced (a form of its inputs)",
      isEnabled: (args) => target(args) !== null,
      isVisible: (args) => args.origin !== "graph" || stepOf(target(args)) === null,
      execute: async (args) => {
        const run = target(args);
        if (!run) {
          return;
        }
        try {
          const model = await loadRerunForm(client, run.rootId);
          const form = new RerunForm({
            model,
            submit: async () => {
              try {
                const answer = await submitRerunForm(client, model, executor());
                if (!answer) {
                  return;
                }
                widget.dispose();
                await showNewRun(answer.rootId, run.rootId);
              } catch (error) {
                await reportFailure(run.rootId, error);
              }
            },
          });
          const widget = new MainAreaWidget({ content: form });
          widget.id = `tsematic-rerun-${run.rootId}`;
          widget.title.label = form.title.label;
          widget.title.caption = form.title.caption;
          app.shell.add(widget, "main");
          app.shell.activateById(widget.id);
        } catch (error) {
          await reportFailure(run.rootId, error);
        }
      },
    });

    for (const command of [CommandIDs.fromScratch, CommandIDs.fromHere, CommandIDs.withInputs]) {
      palette?.addItem({ command, category: "Tsematic" });
    }

    // The runs panel's rows (the panel selects the run under the menu), the graph's runs (the
    // graph selects it through tsematic:select-graph-run), the step panel (current: selected).
    const menus: Array<[string, string, ReadonlyJSONObject, number]> = [
      [CommandIDs.fromScratch, ".jp-TsematicRuns-item", { origin: "runs-panel" }, 4],
      [CommandIDs.withInputs, ".jp-TsematicRuns-item", { origin: "runs-panel" }, 5],
      [CommandIDs.fromScratch, ".jp-RunGraph [data-run-id]", { origin: "graph" }, 1],
      [CommandIDs.fromHere, ".jp-RunGraph [data-run-id]", { origin: "graph" }, 2],
      [CommandIDs.withInputs, ".jp-RunGraph [data-run-id]", { origin: "graph" }, 3],
      [CommandIDs.fromHere, ".jp-TsematicStep", { origin: "step-panel" }, 1],
    ];
    for (const [command, selector, args, rank] of menus) {
      app.contextMenu.addItem({ command, selector, args, rank });
    }

    // The step panel's toolbar: "Rerun from Here" for the panel's own step run.
    const addToolbarButton = (widget: Widget | null): void => {
      if (!(widget instanceof MainAreaWidget) || !(widget.content instanceof StepPanel)) {
        return;
      }
      const toolbar = (widget as MainAreaWidget<StepPanel>).toolbar;
      const name = "tsematic-rerun-from-here";
      if ([...toolbar.names()].includes(name)) {
        return;
      }
      const runId = (widget.content as StepPanel).runId;
      toolbar.addItem(
        name,
        new CommandToolbarButton({
          commands,
          id: CommandIDs.fromHere,
          args: { runId, origin: "step-panel" },
        }),
      );
    };
    labShell?.currentChanged.connect((_, change) => addToolbarButton(change.newValue));
    // A step panel's root is known once it has read its run (it selects it then).
    selection.changed.connect(() => {
      addToolbarButton(app.shell.currentWidget);
      commands.notifyCommandChanged(CommandIDs.fromHere);
      commands.notifyCommandChanged(CommandIDs.fromScratch);
    });
  },
};
