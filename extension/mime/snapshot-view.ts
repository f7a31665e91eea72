/**
 * A run view that shows the snapshot saved in the notebook's output and contacts no server: a
 * silent run's (no server knows it), or a run of another lineage server than the configured one,
 * with a notice and a button that asks before connecting to it. A click on a step opens what the
 * snapshot knows (`tsematic:open-step` with `{ snapshot: true }`).
 *
 * @example
 * ```ts
 * const view = new SnapshotRunView({ commands, kind: "silent" });
 * view.setGraph(RunGraphData.fromBundle(bundle));
 * ```
 */
import type { CommandRegistry } from "@lumino/commands";
import { PanelLayout, Widget } from "@lumino/widgets";

import type { RunGraphData } from "../graph/model";
import { RunGraph } from "../graph/widget";

export class SnapshotRunView extends Widget {
  constructor(options: SnapshotRunView.IOptions) {
    super();
    this.addClass("jp-RunGraphView");
    this.node.dataset.mode = options.kind === "silent" ? "silent" : "snapshot";
    this.graphWidget = new RunGraph({
      commands: options.commands,
      openStepArgs: { snapshot: true },
    });
    const layout = new PanelLayout();
    if (options.kind === "foreign") {
      const bar = document.createElement("div");
      bar.className = "jp-RunGraphView-connect";
      const button = document.createElement("button");
      button.className = "jp-Button jp-mod-styled jp-mod-accept";
      button.textContent = "Connect…";
      button.title = `Follow this run live from ${options.serverUrl ?? "its lineage server"} (asks first)`;
      button.addEventListener("click", () => options.onConnect?.());
      bar.append(button);
      layout.addWidget(new Widget({ node: bar }));
    }
    layout.addWidget(this.graphWidget);
    this.layout = layout;
    this.graphWidget.setNote(
      options.kind === "silent"
        ? "A silent run (not tracked): this snapshot is all there is; run the pipeline tracked " +
            "(without `tracking: false`) to inspect values, logs and lineage."
        : `Saved snapshot: this run was reported to another lineage server ` +
            `(${options.serverUrl ?? "unknown"}), not the one in Settings › Tsematic. ` +
            "Nothing is sent to it unless you connect.",
      options.kind === "silent" ? "info" : "warning",
    );
  }

  readonly graphWidget: RunGraph;

  setGraph(graph: RunGraphData): void {
    this.node.dataset.rootId = graph.rootId;
    this.graphWidget.setGraph(graph);
  }
}

export namespace SnapshotRunView {
  export interface IOptions {
    commands: CommandRegistry;
    /** `silent`: a silent run; `foreign`: a run of another lineage server. */
    kind: "silent" | "foreign";
    /** The server a foreign run names. */
    serverUrl?: string;
    /** The "Connect…" button was clicked (foreign runs). */
    onConnect?: () => void;
  }
}
