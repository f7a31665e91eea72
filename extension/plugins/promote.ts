/**
 * "Run Pipeline on Cluster…" (`tsematic:promote`: palette, notebook toolbar, a code cell's context
 * menu): on a cell that awaits a pipeline, asks the kernel for the plan (the cells up to it
 * packaged as the editor has them, the executor from Settings › Tsematic › Default executor, the
 * URL its jobs report to from Settings › Tsematic › Cluster node URL),
 * shows it in a dialog, and on Submit has the kernel submit the pipeline detached. The run's live
 * graph opens in a panel beside the notebook (`tsematic:open-promoted-run`), which the layout
 * restorer reopens after a reload. Nothing is written into the user's cells.
 *
 * @example
 * ```ts
 * await app.commands.execute("tsematic:promote"); // the active cell of the current notebook
 * ```
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin,
} from "@jupyterlab/application";
import {
  Dialog,
  ICommandPalette,
  Notification,
  WidgetTracker,
  showErrorMessage,
} from "@jupyterlab/apputils";
import type { Cell } from "@jupyterlab/cells";
import { INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";

import { promoteIcon } from "../icons";
import { submitBlocker } from "../promote/blocker";
import { PromotionPlanBody } from "../promote/dialog";
import { askKernel } from "../promote/kernel";
import { nodeUrlSettingProblem, withSettingProblem } from "../promote/node-url";
import {
  type IPromotionPlan,
  type IPromotionRequest,
  type IPromotionSubmitted,
  planCode,
  submitCode,
} from "../promote/protocol";
import { rootStateFollower } from "../promote/follow-state";
import { PromotedRuns } from "../promote/registry";
import { type IPromotedRun, PromotedRunPanel, promotedRunOf } from "../promote/run-panel";
import { ILineageClient, ILineageSettings, IPromotedRuns } from "../tokens";

namespace CommandIDs {
  export const promote = "tsematic:promote";
  export const openPromotedRun = "tsematic:open-promoted-run";
}

export const promotePlugin: JupyterFrontEndPlugin<IPromotedRuns> = {
  id: "tsematic-jupyterlab:promote",
  description:
    "Run Pipeline on Cluster…: submit a notebook cell's pipeline detached, and watch it.",
  autoStart: true,
  provides: IPromotedRuns,
  requires: [INotebookTracker, ILineageSettings, ILineageClient],
  optional: [ICommandPalette, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    settings: ILineageSettings,
    client: ILineageClient,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
  ): IPromotedRuns => {
    const { commands } = app;
    // Each promoted run's state is followed until it ends: the cell's cancel turns disabled then.
    const promotedRuns = new PromotedRuns({
      follow: rootStateFollower(() => settings.current, client),
    });
    const runs = new WidgetTracker<PromotedRunPanel>({ namespace: "tsematic-promoted-run" });

    commands.addCommand(CommandIDs.openPromotedRun, {
      label: "Open Cloud Run",
      caption: "Show the live graph of a pipeline run submitted from this notebook",
      execute: (args) => {
        const run = promotedRunOf(args);
        if (!run) {
          throw new Error(`${CommandIDs.openPromotedRun} needs a rootId argument.`);
        }
        const open = runs.find((panel) => panel.run.rootId === run.rootId);
        if (open) {
          app.shell.activateById(open.id);
          return open;
        }
        // Also a panel restored after a reload, whose cell is not known: its cancel follows the run.
        promotedRuns.follow(run);
        const panel = new PromotedRunPanel({
          run,
          commands,
          settings: () => settings.current,
          client,
        });
        const ref = typeof args.ref === "string" ? args.ref : undefined;
        app.shell.add(panel, "main", ref ? { mode: "split-right", ref } : {});
        void runs.add(panel);
        return panel;
      },
    });
    if (restorer) {
      void restorer.restore(runs, {
        command: CommandIDs.openPromotedRun,
        args: (panel) => ({ ...panel.run }),
        name: (panel) => panel.run.rootId,
      });
    }

    const target = (args: Record<string, unknown>): { panel: NotebookPanel; cell: Cell } | null => {
      if (args.origin === "context-menu") {
        const node = app.contextMenuHitTest((n) => n.classList.contains("jp-Cell"));
        const panel = node && tracker.find((p) => p.content.node.contains(node));
        const cell = panel?.content.widgets.find((c) => c.node === node);
        return panel && cell ? { panel, cell } : null;
      }
      const panel = tracker.currentWidget;
      const cell = panel?.content.activeCell;
      return panel && cell ? { panel, cell } : null;
    };

    commands.addCommand(CommandIDs.promote, {
      label: (args) => (args.toolbar ? "" : "Run Pipeline on Cluster…"),
      caption: "Package the cells up to this one and run its pipeline on the cluster (detached)",
      icon: promoteIcon,
      isEnabled: (args) => target(args)?.cell.model.type === "code",
      isVisible: (args) =>
        args.origin !== "context-menu" || target(args)?.cell.model.type === "code",
      execute: async (args) => {
        const found = target(args);
        if (!found || found.cell.model.type !== "code") {
          return;
        }
        await promote(found.panel, found.cell);
      },
    });
    palette?.addItem({ command: CommandIDs.promote, category: "Tsematic" });

    const promote = async (panel: NotebookPanel, cell: Cell): Promise<void> => {
      const kernel = panel.sessionContext.session?.kernel;
      if (!kernel) {
        await showErrorMessage(
          "No kernel",
          "Run Pipeline on Cluster needs the notebook's TypeScript kernel: start it, and run the cells above the pipeline's cell.",
        );
        return;
      }
      const notebook = panel.content;
      const cellIndex = notebook.widgets.indexOf(cell);
      let request: IPromotionRequest = {
        notebookPath: panel.context.path,
        cells: notebook.widgets.map((c) => {
          const tags = c.model.getMetadata("tags");
          return {
            cellType: c.model.type,
            source: c.model.sharedModel.getSource(),
            ...(Array.isArray(tags) ? { tags: tags.map(String) } : {}),
          };
        }),
        cellIndex,
        executor: settings.current.defaultExecutor || "local",
      };
      // A malformed setting is not sent: the dialog shows why, and Submit stays disabled.
      const nodeUrl = settings.current.nodeUrl;
      const settingProblem = nodeUrlSettingProblem(nodeUrl);
      if (nodeUrl && !settingProblem) {
        request = { ...request, nodeUrl };
      }
      let plan: IPromotionPlan;
      const id = Notification.emit(`Packaging cells 1–${cellIndex + 1}…`, "in-progress", {
        autoClose: false,
      });
      try {
        plan = await askKernel<IPromotionPlan>(kernel, planCode(request));
        if (settingProblem) {
          plan = withSettingProblem(plan, settingProblem);
        }
      } catch (error) {
        Notification.update({
          id,
          message: `Run Pipeline on Cluster: ${(error as Error).message}`,
          type: "error",
          autoClose: false,
        });
        return;
      }
      Notification.dismiss(id);

      const blocker = submitBlocker(plan);
      let dialog: Dialog<unknown> | null = null;
      const jump = (position: number): void => {
        dialog?.reject();
        const index = position - 1;
        if (index >= 0 && index < notebook.widgets.length) {
          notebook.activeCellIndex = index;
          notebook.deselectAll();
          void notebook.scrollToItem(index);
          notebook.activeCell?.node.focus();
        }
      };
      dialog = new Dialog({
        title: "Run Pipeline on Cluster",
        body: new PromotionPlanBody({ plan, onJump: jump }),
        buttons: [
          Dialog.cancelButton(),
          Dialog.okButton({ label: "Submit", caption: blocker ?? "Submit the pipeline detached" }),
        ],
        defaultButton: blocker ? 0 : 1,
      });
      dialog.addClass("jp-TsematicPromoteDialog");
      if (blocker) {
        // Shown, so that the user sees why; the accept button stays disabled.
        const accept = dialog.node.querySelector<HTMLButtonElement>(".jp-mod-accept");
        if (accept) {
          accept.disabled = true;
          accept.title = blocker;
        }
      }
      const result = await dialog.launch();
      if (!result.button.accept || blocker || plan.call === null) {
        return;
      }
      const submitting = Notification.emit(`Submitting ${plan.call.expression}…`, "in-progress", {
        autoClose: false,
      });
      let submitted: IPromotionSubmitted;
      try {
        submitted = await askKernel<IPromotionSubmitted>(
          kernel,
          submitCode(request, plan.call.expression),
        );
      } catch (error) {
        Notification.update({
          id: submitting,
          message: `The pipeline was not submitted: ${(error as Error).message}`,
          type: "error",
          autoClose: false,
        });
        return;
      }
      const run: IPromotedRun = {
        rootId: submitted.rootId,
        serverUrl: submitted.serverUrl,
        stepName: plan.call.callee.split(".").pop() ?? plan.call.callee,
        executor: submitted.executor,
      };
      promotedRuns.set(cell.model.id, run);
      Notification.update({
        id: submitting,
        message: `Submitted ${run.stepName} to the ${run.executor} executor: run ${run.rootId}.`,
        type: "success",
        autoClose: 5000,
      });
      await commands.execute(CommandIDs.openPromotedRun, { ...run, ref: panel.id });
      commands.notifyCommandChanged();
    };
    return promotedRuns;
  },
};
