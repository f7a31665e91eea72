/**
 * Tsematic's run commands: open a run's graph, cancel a running pipeline, rerun a notebook pipeline.
 *
 * They act on, in order: explicit `rootId` arguments; the run selected in the runs panel when its
 * context menu is opened (schema/commands.json passes `{ "origin": "runs-panel" }`; the panel
 * selects the run under the pointer), or the notebook cell a context menu was opened on
 * (`{ "origin": "context-menu" }`); otherwise the active cell of the current notebook (palette,
 * notebook toolbar), except for cancel: it acts on the notebook's running pipeline, whichever cell
 * is active (Shift+Enter moves the active cell past the cell that started it). Whether a run has ended comes from data: the cell's run bundle, or what the
 * runs list last read about the selected run ({@link IRunSelection}). A cell's run may also be a
 * cloud run promoted from it ({@link IPromotedRuns}): its graph is not in the cell's outputs, and
 * whether it ended is the state followed there, so its cancel turns disabled as a local run's does. A cell is a pipeline's when its output carries kernel-lib's run bundle
 * (`application/vnd.tsematic.run.v1+json`): rerunning the pipeline is re-executing that cell, so a
 * run of the runs panel can be rerun while the notebook cell that started it is open.
 *
 * @example
 * ```ts
 * await app.commands.execute("tsematic:cancel-run", { rootId: "r-1f3a" });
 * ```
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { Dialog, ICommandPalette, Notification, showDialog } from "@jupyterlab/apputils";
import type { Cell, ICodeCellModel } from "@jupyterlab/cells";
import { INotebookTracker, NotebookActions, type NotebookPanel } from "@jupyterlab/notebook";
import type { ReadonlyPartialJSONObject } from "@lumino/coreutils";

import { ENDED_STATES, LineageClient, LineageServerError } from "../client";
import { type IRunBundleRef, runBundleIn } from "../commands/bundle";
import { cancelRootRun, describeCancel } from "../commands/cancel";
import { cancelPipelineIcon, rerunPipelineIcon, runsIcon } from "../icons";
import { settingsFor } from "../mime/trust";
import { ILineageClient, ILineageSettings, IPromotedRuns, IRunSelection } from "../tokens";

namespace CommandIDs {
  export const openRun = "tsematic:open-run";
  export const cancelRun = "tsematic:cancel-run";
  export const rerun = "tsematic:rerun";
  /** The settings plugin's (plugins/services.ts). */
  export const openSettings = "tsematic:open-settings";
  /** The runs panel's (plugins/runs.ts), when it is loaded. */
  export const showRuns = "tsematic:show-runs";
}

/** What a command acts on. */
interface ITarget {
  readonly rootId: string;
  readonly serverUrl: string | null;
  /** The run has ended (nothing to cancel). */
  readonly ended: boolean;
  /** The notebook cell whose output shows the run, when there is one. */
  readonly cell: { readonly panel: NotebookPanel; readonly widget: Cell } | null;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:commands",
  description: "Tsematic commands: open run, cancel run, rerun (palette, notebook toolbar, menus).",
  autoStart: true,
  requires: [ILineageSettings, ILineageClient, IRunSelection],
  optional: [INotebookTracker, ICommandPalette, IPromotedRuns],
  activate: (
    app: JupyterFrontEnd,
    settings: ILineageSettings,
    configuredClient: ILineageClient,
    selection: IRunSelection,
    tracker: INotebookTracker | null,
    palette: ICommandPalette | null,
    promoted: IPromotedRuns | null,
  ): void => {
    const { commands } = app;
    const cellRuns: Private.ICells = { tracker, promoted };

    /** `running`: in a notebook, the cell of its running pipeline rather than an ended active one. */
    const target = (args: ReadonlyPartialJSONObject, running = false): ITarget | null => {
      if (typeof args.rootId === "string" && args.rootId) {
        const serverUrl = typeof args.serverUrl === "string" ? args.serverUrl : null;
        return (
          Private.openCellOf(cellRuns, args.rootId) ?? {
            rootId: args.rootId,
            serverUrl,
            // A promoted run's own panel (also one restored after a reload) knows when it ended.
            ended: promoted?.byRoot(args.rootId)?.ended ?? false,
            cell: null,
          }
        );
      }
      if (args.origin === "runs-panel") {
        const rootId = selection.rootId;
        if (!rootId) {
          return null;
        }
        // The cell that started the run, when its notebook is open: the run can be rerun.
        const cell = Private.openCellOf(cellRuns, rootId)?.cell ?? null;
        const ended = ENDED_STATES.has(selection.run?.state ?? "");
        return { rootId, serverUrl: null, ended, cell };
      }
      if (args.origin === "context-menu") {
        const cellNode = app.contextMenuHitTest((node) => node.classList.contains("jp-Cell"));
        return cellNode ? Private.cellTarget(cellRuns, cellNode) : null;
      }
      const panel = tracker?.currentWidget;
      const cell = panel?.content.activeCell;
      const active = panel && cell ? Private.cellTarget(cellRuns, cell.node) : null;
      if (!running || !panel || (active && !active.ended)) {
        return active;
      }
      return Private.runningPipelineOf(cellRuns, panel) ?? active;
    };
    const fromContextMenu = (args: ReadonlyPartialJSONObject): boolean =>
      args.origin === "context-menu" || args.origin === "runs-panel";
    const toolbarLabel = (args: ReadonlyPartialJSONObject, label: string): string =>
      args.toolbar ? "" : label;

    commands.addCommand(CommandIDs.openRun, {
      label: (args) => toolbarLabel(args, "Open Run Graph"),
      caption: "Show the run graph of this pipeline run",
      icon: runsIcon,
      isEnabled: (args) => target(args) !== null,
      isVisible: (args) => !fromContextMenu(args) || target(args) !== null,
      execute: async (args) => {
        const run = target(args);
        if (!run) {
          return;
        }
        // From the runs panel's menu: the graph large, in a main-area tab (the panel's is small).
        if (args.origin === "runs-panel" && commands.hasCommand("tsematic:open-run-graph-tab")) {
          await commands.execute("tsematic:open-run-graph-tab", {
            rootId: run.rootId,
            label: selection.run?.name ?? "",
          });
          return;
        }
        // The runs panel shows the selected run's graph beneath its list.
        selection.select(run.rootId);
        if (commands.hasCommand(CommandIDs.showRuns)) {
          await commands.execute(CommandIDs.showRuns);
        }
      },
    });

    commands.addCommand(CommandIDs.cancelRun, {
      label: (args) => toolbarLabel(args, "Cancel Pipeline Run"),
      caption: "Ask the lineage server to cancel this pipeline run and all its steps",
      icon: cancelPipelineIcon,
      isEnabled: (args) => {
        const run = target(args, true);
        return run !== null && !run.ended;
      },
      isVisible: (args) => !fromContextMenu(args) || target(args) !== null,
      execute: async (args) => {
        const run = target(args, true);
        if (!run || run.ended) {
          return;
        }
        if (args.confirm !== false) {
          const answer = await showDialog({
            title: "Cancel pipeline run?",
            body:
              `Run ${run.rootId} and its running steps will be canceled; ` +
              "the notebook cell fails with a canceled error.",
            buttons: [
              Dialog.cancelButton({ label: "Keep Running" }),
              Dialog.warnButton({ label: "Cancel Run" }),
            ],
          });
          if (!answer.button.accept) {
            return;
          }
        }
        const serverUrl = (run.serverUrl ?? settings.current.serverUrl).replace(/\/+$/, "");
        try {
          // The server the run's bundle names, which may not be the configured one: the token
          // stays bound to the configured origin (settingsFor), so another server never gets it.
          const client =
            serverUrl === settings.current.serverUrl
              ? configuredClient
              : new LineageClient({ settings: () => settingsFor(settings.current, serverUrl) });
          const result = await cancelRootRun(client, run.rootId);
          Notification.success(describeCancel(run.rootId, result), { autoClose: 5000 });
        } catch (error) {
          const message =
            error instanceof LineageServerError
              ? error.message
              : `Run ${run.rootId} could not be canceled: ${String(error)}`;
          Notification.error(message, {
            autoClose: false,
            actions: [
              {
                label: "Tsematic Settings",
                callback: () => void commands.execute(CommandIDs.openSettings),
              },
            ],
          });
        }
      },
    });

    commands.addCommand(CommandIDs.rerun, {
      label: (args) => toolbarLabel(args, "Rerun Pipeline Cell"),
      caption: "Run again the notebook cell that started this pipeline (a new root run)",
      icon: rerunPipelineIcon,
      isEnabled: (args) => {
        const cell = target(args)?.cell;
        return !!cell && (cell.widget.model as ICodeCellModel).executionState !== "running";
      },
      isVisible: (args) => !fromContextMenu(args) || !!target(args)?.cell,
      execute: async (args) => {
        const cell = target(args)?.cell;
        if (!cell) {
          return;
        }
        const { panel, widget } = cell;
        const notebook = panel.content;
        const index = notebook.widgets.indexOf(widget);
        if (index < 0) {
          return;
        }
        notebook.activeCellIndex = index;
        notebook.deselectAll();
        await NotebookActions.run(notebook, panel.sessionContext);
      },
    });

    for (const command of [CommandIDs.openRun, CommandIDs.cancelRun, CommandIDs.rerun]) {
      palette?.addItem({ command, category: "Tsematic" });
    }

    // Toolbar buttons follow the current notebook's cells, their state and outputs (a run's bundle
    // updates while it runs): rerun and open act on the active cell, cancel on any running one.
    if (tracker) {
      const refresh = (): void => commands.notifyCommandChanged();
      let cells: ICodeCellModel[] = [];
      let notebook: NotebookPanel | null = null;
      const followCells = (): void => {
        for (const cell of cells) {
          // A deleted cell's model is disposed: its outputs are gone, and so are its connections.
          if (!cell.isDisposed) {
            cell.stateChanged.disconnect(refresh);
            cell.outputs?.changed.disconnect(refresh);
          }
        }
        cells = [];
        for (const cell of notebook?.model?.cells ?? []) {
          if (cell.type === "code") {
            const code = cell as ICodeCellModel;
            code.stateChanged.connect(refresh);
            code.outputs?.changed.connect(refresh);
            cells.push(code);
          }
        }
        refresh();
      };
      const followNotebook = (): void => {
        notebook?.model?.cells.changed.disconnect(followCells);
        notebook?.content.modelChanged.disconnect(followNotebook);
        notebook = tracker.currentWidget;
        notebook?.content.modelChanged.connect(followNotebook);
        notebook?.model?.cells.changed.connect(followCells);
        followCells();
        // A new notebook's cells are there once its file is read.
        const panel = notebook;
        void panel?.context.ready.then(() => {
          if (panel === notebook) {
            panel.model?.cells.changed.disconnect(followCells);
            panel.model?.cells.changed.connect(followCells);
            followCells();
          }
        });
      };
      tracker.currentChanged.connect(followNotebook);
      tracker.activeCellChanged.connect(refresh);
      followNotebook();
    }
    // The runs panel's context menu reads the selection: keep its items' state current.
    selection.changed.connect(() => commands.notifyCommandChanged());
    // A promoted run was added or ended: the cell's cancel follows it.
    promoted?.changed.connect(() => commands.notifyCommandChanged());
  },
};

export default plugin;

namespace Private {
  /** Where a cell's run is found: its outputs (the notebooks), or the runs promoted from it. */
  export interface ICells {
    readonly tracker: INotebookTracker | null;
    readonly promoted: IPromotedRuns | null;
  }

  /**
   * The pipeline of `panel` that has not ended: the one of a cell still executing first, else the
   * lowest one in the notebook (the latest started, as notebooks usually run top to bottom).
   */
  export function runningPipelineOf(cells: ICells, panel: NotebookPanel): ITarget | null {
    let found: ITarget | null = null;
    for (const cell of panel.content.widgets) {
      const candidate = cellTarget(cells, cell.node);
      if (!candidate || candidate.ended) {
        continue;
      }
      const executing = (cell.model as ICodeCellModel).executionState === "running";
      if (executing) {
        return candidate;
      }
      found = candidate;
    }
    return found;
  }

  /** The cell of an open notebook whose output shows the root run `rootId`, if any. */
  export function openCellOf(cells: ICells, rootId: string): ITarget | null {
    let found: ITarget | null = null;
    cells.tracker?.forEach((panel) => {
      for (const cell of found ? [] : panel.content.widgets) {
        const candidate = cellTarget(cells, cell.node);
        if (candidate?.rootId === rootId) {
          found = candidate;
          break;
        }
      }
    });
    return found;
  }

  /** The run shown in the output of the cell whose node is `cellNode`, if any. */
  export function cellTarget(cells: ICells, cellNode: HTMLElement): ITarget | null {
    const panel = cells.tracker?.find((candidate) => candidate.content.node.contains(cellNode));
    const widget = panel?.content.widgets.find((cell) => cell.node === cellNode);
    if (!panel || !widget || widget.model.type !== "code") {
      return null;
    }
    const ref: IRunBundleRef | null = runBundleIn((widget.model as ICodeCellModel).outputs);
    if (!ref) {
      // A cloud run promoted from this cell: its graph is in a panel of its own, not the outputs.
      // Ended when its root run's state is final, as a local run's bundle says of it.
      const promoted = cells.promoted?.get(widget.model.id);
      return promoted
        ? {
            rootId: promoted.rootId,
            serverUrl: promoted.serverUrl,
            ended: promoted.ended,
            cell: null,
          }
        : null;
    }
    return {
      rootId: ref.rootId,
      serverUrl: ref.serverUrl,
      ended: ref.final || ENDED_STATES.has(ref.state ?? ""),
      cell: { panel, widget },
    };
  }
}
