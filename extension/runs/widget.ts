/**
 * The "Tsematic runs" side panel: a toolbar (refresh, settings) over the list of runs, or over an
 * error that says how to reach the lineage server.
 */
import { CommandToolbarButton, SidePanel } from "@jupyterlab/ui-components";
import type { CommandRegistry } from "@lumino/commands";
import { Widget } from "@lumino/widgets";

import type { IRunSummary } from "../client";
import { runsIcon } from "../icons";
import type { RunListModel } from "./model";

/** The side panel. */
export class RunListPanel extends SidePanel {
  constructor(options: RunListPanel.IOptions) {
    super();
    this.id = "tsematic-runs";
    this.addClass("jp-TsematicRuns");
    this.title.icon = runsIcon;
    this.title.caption = "Tsematic runs";

    const heading = new Widget();
    heading.node.textContent = "Tsematic runs";
    heading.addClass("jp-TsematicRuns-heading");
    this.header.addWidget(heading);

    for (const id of options.toolbarCommands) {
      // Icon only: the command's caption is the tooltip.
      this.toolbar.addItem(
        id,
        new CommandToolbarButton({ commands: options.commands, id, label: "" }),
      );
    }
    this._model = options.model;
    this.addWidget(new RunListView(options.model));
  }

  /** The model polls only while the panel is shown (see index.ts): catch up at once. */
  protected override onAfterShow(): void {
    void this._model.refresh();
  }

  private readonly _model: RunListModel;
}

export namespace RunListPanel {
  export interface IOptions {
    model: RunListModel;
    commands: CommandRegistry;
    /** Commands shown as toolbar buttons, in order. */
    toolbarCommands: readonly string[];
  }
}

/** The list itself; re-rendered whenever the model changes. */
export class RunListView extends Widget {
  constructor(model: RunListModel) {
    super();
    this.addClass("jp-TsematicRuns-view");
    // The side panel shows each widget as an accordion section under this title.
    this.title.label = "Runs";
    this._model = model;
    model.changed.connect(this._render, this);
    this._render();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._render, this);
    super.dispose();
  }

  private _render(): void {
    const { status, runs, error } = this._model;
    const children: HTMLElement[] = [];
    if (status === "loading") {
      children.push(Private.element("div", "jp-TsematicRuns-status", "Loading runs…"));
    }
    if (status === "error") {
      const box = Private.element("div", "jp-TsematicRuns-error", error);
      box.setAttribute("role", "alert");
      children.push(box);
    }
    if (status === "ready" && runs.length === 0) {
      children.push(
        Private.element(
          "div",
          "jp-TsematicRuns-status",
          "No runs yet: run a pipeline in a notebook (`await pipeline(...)`) and it appears here.",
        ),
      );
    }
    if (runs.length > 0) {
      const list = Private.element("ul", "jp-TsematicRuns-list");
      list.append(...runs.map(Private.runItem));
      children.push(list);
    }
    this.node.replaceChildren(...children);
  }

  private readonly _model: RunListModel;
}

namespace Private {
  export function element<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    className: string,
    text?: string,
  ): HTMLElementTagNameMap[K] {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  export function runItem(run: IRunSummary): HTMLLIElement {
    const item = element("li", `jp-TsematicRuns-item jp-mod-${run.state}`);
    item.dataset.runId = run.id;
    item.title = [run.id, ...run.tags.map((tag) => `#${tag}`)].join(" ");
    item.append(element("span", "jp-TsematicRuns-name", run.name));
    if (run.createdAt !== null) {
      const time = element(
        "time",
        "jp-TsematicRuns-time",
        new Date(run.createdAt).toLocaleTimeString(),
      );
      time.dateTime = new Date(run.createdAt).toISOString();
      item.append(time);
    }
    item.append(element("span", "jp-TsematicRuns-state", run.state));
    return item;
  }
}
