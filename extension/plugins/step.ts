/**
 * The step panel plugin: `tsematic:open-step` ({ runId, rootId? }) opens a main-area panel for a
 * step run, one per run (opening it again brings the same panel forward). One panel is reused:
 * opening another step replaces the unpinned step panel in its place, so clicking around the graph
 * does not pile up tabs; the panel's pin button keeps it (the next step opens beside it). With `snapshot: true`
 * (a click in a notebook's snapshot-only run view: a silent run, another server's run) it opens
 * what the saved snapshot knows, and asks no server.
 *
 * @example
 * ```ts
 * await app.commands.execute("tsematic:open-step", { runId });
 * ```
 */
import {
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin,
} from "@jupyterlab/application";
import { MainAreaWidget, WidgetTracker } from "@jupyterlab/apputils";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { lockIcon, refreshIcon, ToolbarButton } from "@jupyterlab/ui-components";

import { LiveGraphSource } from "../live/source";
import { runSnapshots } from "../mime/snapshots";
import { StepApi } from "../step/api";
import { StepPanel } from "../step/panel";
import { SnapshotStepPanel } from "../step/snapshot-panel";
import {
  IArtifactViewRegistry,
  ILineageClient,
  ILineageSettings,
  IRunNotes,
  IRunSelection,
  IStillRunningSteps,
  type ITsematicSettings,
} from "../tokens";

namespace CommandIDs {
  export const openStep = "tsematic:open-step";
}

export const stepPlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:step",
  description:
    "The panel of a step run: its inputs and outputs as artifact views, logs, error, source.",
  autoStart: true,
  requires: [ILineageSettings, ILineageClient, IArtifactViewRegistry],
  optional: [IRunSelection, IRenderMimeRegistry, ILayoutRestorer, IRunNotes, IStillRunningSteps],
  activate: async (
    app: JupyterFrontEnd,
    lineageSettings: ILineageSettings,
    client: ILineageClient,
    views: IArtifactViewRegistry,
    selection: IRunSelection | null,
    rendermime: IRenderMimeRegistry | null,
    restorer: ILayoutRestorer | null,
    notes: IRunNotes | null,
    stillRunning: IStillRunningSteps | null,
  ): Promise<void> => {
    // Settings first: a panel the restorer reopens must call the configured server.
    await lineageSettings.ready;
    const settings = (): ITsematicSettings => lineageSettings.current;
    const api = new StepApi({ client });
    const tracker = new WidgetTracker<MainAreaWidget<StepPanel>>({ namespace: "tsematic-step" });
    // Pinned panels are never replaced by the next step opened.
    const pinned = new WeakSet<MainAreaWidget<StepPanel>>();
    // The current step panel is the selected step run (of its root run, once the panel read it).
    const selectStepOf = (widget: MainAreaWidget<StepPanel> | null): void => {
      const detail = widget?.content.follower?.detail;
      if (selection && widget && detail) {
        selection.select(detail.run.rootId || detail.run.id, { stepId: widget.content.runId });
      }
    };

    app.commands.addCommand(CommandIDs.openStep, {
      label: "Open Tsematic Step",
      caption: "Open the panel of a step run: inputs, outputs, logs, error, source",
      execute: (args) => {
        const runId = typeof args.runId === "string" ? args.runId : "";
        if (!runId) {
          throw new Error("tsematic:open-step needs a runId argument (a step run's id).");
        }
        if (args.snapshot === true) {
          const rootId = typeof args.rootId === "string" ? args.rootId : "";
          return openSnapshot(runId, rootId);
        }
        const existing = tracker.find((widget) => widget.content.runId === runId);
        if (existing) {
          app.shell.activateById(existing.id);
          return existing;
        }
        // The unpinned panel this one replaces (the current one first).
        const current = tracker.currentWidget;
        const reused =
          current && !pinned.has(current) ? current : tracker.find((w) => !pinned.has(w));
        const content = new StepPanel({
          runId,
          api,
          rendermime,
          views,
          stillRunning,
          openStep: (id) => void app.commands.execute(CommandIDs.openStep, { runId: id }),
          ...(notes ? { rootPane: (rootId: string) => notes.createPane(rootId) } : {}),
          follow: {
            // The root's live document says at once when the step changes state; the panel
            // polls the step itself (logs are not in the document), so no graph polling here.
            watch: (rootId) =>
              new LiveGraphSource({ rootId, settings, client, pollFallback: false }),
          },
        });
        const widget = new MainAreaWidget({ content });
        widget.id = `tsematic-step-${runId}`;
        widget.title.label = content.title.label;
        content.title.changed.connect(() => {
          widget.title.label = content.title.label;
          widget.title.caption = content.title.caption;
          // The panel has read its run (the title names the step): now its root is known.
          if (tracker.currentWidget === widget) {
            selectStepOf(widget);
          }
        });
        widget.toolbar.addItem(
          "refresh",
          new ToolbarButton({
            icon: refreshIcon,
            tooltip: "Fetch the run again from the lineage server",
            onClick: () => void content.refresh(),
          }),
        );
        const pin = new ToolbarButton({
          icon: lockIcon,
          label: "Pin",
          className: "jp-TsematicStep-pin",
          tooltip: "Pin this step panel: steps opened next open in a panel of their own",
          pressedTooltip: "Pinned: click to unpin (the next step opened replaces this panel)",
          onClick: () => {
            if (pinned.has(widget)) {
              pinned.delete(widget);
            } else {
              pinned.add(widget);
            }
            pin.pressed = pinned.has(widget);
            widget.node.dataset.pinned = String(pinned.has(widget));
          },
        });
        widget.toolbar.addItem("pin", pin);
        void tracker.add(widget);
        if (reused && !reused.isDisposed) {
          // In the reused panel's place: same dock area, same tab position.
          app.shell.add(widget, "main", { ref: reused.id, mode: "tab-after" });
          reused.dispose();
        } else {
          app.shell.add(widget, "main");
        }
        app.shell.activateById(widget.id);
        return widget;
      },
    });

    // Snapshot panels are not restored: the snapshot lives in a notebook output.
    const snapshots = new Map<string, MainAreaWidget<SnapshotStepPanel>>();
    const openSnapshot = (runId: string, rootId: string): MainAreaWidget<SnapshotStepPanel> => {
      const existing = snapshots.get(runId);
      if (existing && !existing.isDisposed) {
        app.shell.activateById(existing.id);
        return existing;
      }
      const bundle = runSnapshots.get(rootId);
      if (!bundle) {
        throw new Error(
          `tsematic:open-step: no open notebook output shows run ${rootId || "(no rootId)"}: ` +
            "open the notebook whose output shows it, then click the step again.",
        );
      }
      const content = new SnapshotStepPanel({
        runId,
        bundle,
        openStep: (id) =>
          void app.commands.execute(CommandIDs.openStep, { runId: id, rootId, snapshot: true }),
      });
      const widget = new MainAreaWidget({ content });
      widget.id = `tsematic-step-snapshot-${runId}`;
      widget.title.label = content.title.label;
      widget.title.caption = content.title.caption;
      snapshots.set(runId, widget);
      widget.disposed.connect(() => snapshots.delete(runId));
      app.shell.add(widget, "main");
      app.shell.activateById(widget.id);
      return widget;
    };

    tracker.currentChanged.connect((_, widget) => selectStepOf(widget));

    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openStep,
        args: (widget) => ({ runId: widget.content.runId }),
        name: (widget) => widget.content.runId,
      });
    }
  },
};
