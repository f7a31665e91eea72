/**
 * The "Tsematic runs" side panel: a toolbar (refresh, settings) over the list of runs, or over an
 * error that says how to reach the lineage server.
 */
import { CommandToolbarButton, SidePanel } from "@jupyterlab/ui-components";
import type { CommandRegistry } from "@lumino/commands";
import { Widget } from "@lumino/widgets";

import { ENDED_STATES, type IRunSummary, RUN_STATES } from "../client";
import { runsIcon } from "../icons";
import { runFacts } from "./facts";
import { isFiltering, type RunListModel } from "./model";

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

  /** The runs shown (and the selected one). */
  get model(): RunListModel {
    return this._model;
  }

  /** The model polls only while the panel is shown (see plugins/runs.ts): catch up at once. */
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
    this._filterBar = Private.filterBar(model);
    this._body = Private.element("div", "jp-TsematicRuns-body");
    this._more = Private.element(
      "button",
      "jp-TsematicRuns-more jp-Button jp-mod-styled",
      "Older runs",
    );
    this._more.addEventListener("click", () => void model.loadMore());
    this.node.append(this._filterBar, this._body);
    this._body.addEventListener("click", this);
    this._body.addEventListener("keydown", this);
    // A context menu acts on the selected run (schema/commands.json): select the run under it.
    this._body.addEventListener("contextmenu", this);
    model.changed.connect(this._render, this);
    this._render();
  }

  handleEvent(event: Event): void {
    const item = (event.target as Element | null)?.closest<HTMLElement>("[data-run-id]");
    if (!item) {
      return;
    }
    if (event.type === "keydown" && !["Enter", " "].includes((event as KeyboardEvent).key)) {
      return;
    }
    // The context menu must still open: only a click or a key is the panel's own.
    if (event.type !== "contextmenu") {
      event.preventDefault();
    }
    this._model.select(item.dataset.runId ?? null);
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._render, this);
    this._body.removeEventListener("click", this);
    this._body.removeEventListener("keydown", this);
    this._body.removeEventListener("contextmenu", this);
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
    const filtering = isFiltering(this._model.filter);
    if (status === "ready" && runs.length === 0 && filtering) {
      children.push(Private.element("div", "jp-TsematicRuns-status", "No runs match the filter."));
    }
    if (status === "ready" && runs.length === 0 && !filtering) {
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
      const selected = this._model.selectedId;
      list.append(...runs.map((run) => Private.runItem(run, run.id === selected)));
      children.push(list);
    }
    if (this._model.hasMore && runs.length > 0) {
      children.push(this._more);
    }
    this._body.replaceChildren(...children);
    // A run selected elsewhere (a command, a notebook's run) is brought into view once.
    const selected = this._model.selectedId;
    if (selected !== this._shownSelection) {
      this._shownSelection = selected;
      this._body.querySelector(".jp-mod-selected")?.scrollIntoView({ block: "nearest" });
    }
  }

  private readonly _model: RunListModel;
  private readonly _filterBar: HTMLElement;
  private readonly _body: HTMLElement;
  private readonly _more: HTMLButtonElement;
  private _shownSelection: string | null = null;
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

  /** The state filter's choices: two groups, then each state; a value lists states by commas. */
  const STATE_CHOICES: ReadonlyArray<[label: string, value: string]> = [
    ["Any state", ""],
    ["Not ended", RUN_STATES.filter((state) => !ENDED_STATES.has(state)).join(",")],
    ["Failed (any)", "failed,nested-failed"],
    ...RUN_STATES.map((state): [string, string] => [state, state]),
  ];

  /** Where runs ran: in a kernel or script, or as jobs of an executor (the server's mode/executor). */
  const WHERE_CHOICES: ReadonlyArray<[string, string]> = [
    ["Anywhere", ""],
    ["Local (kernel)", "local"],
    ["Cloud", "cloud"],
    ["Cloud · local executor", "cloud:local"],
    ["Cloud · slurm", "cloud:slurm"],
  ];

  /**
   * Name, state, tag and place filters. Typing narrows the runs shown at once; the model asks the server
   * when the typing pauses.
   */
  export function filterBar(model: RunListModel): HTMLElement {
    const bar = element("div", "jp-TsematicRuns-filters");
    const name = element("input", "jp-TsematicRuns-filter jp-mod-styled");
    name.type = "search";
    name.placeholder = "Pipeline";
    name.setAttribute("aria-label", "Filter runs by pipeline name");
    name.addEventListener("input", () => model.setFilter({ name: name.value }));
    const state = element("select", "jp-TsematicRuns-filter jp-mod-styled");
    state.setAttribute("aria-label", "Filter runs by state");
    state.append(...STATE_CHOICES.map(([label, value]) => new Option(label, value)));
    state.addEventListener("change", () => model.setFilter({ state: state.value }));
    const tag = element("input", "jp-TsematicRuns-filter jp-mod-styled");
    tag.type = "search";
    tag.placeholder = "Tag";
    tag.setAttribute("aria-label", "Filter runs by tag");
    tag.addEventListener("input", () => model.setFilter({ tag: tag.value }));
    const where = element("select", "jp-TsematicRuns-filter jp-mod-styled");
    where.setAttribute("aria-label", "Filter runs by where they ran");
    where.append(...WHERE_CHOICES.map(([label, value]) => new Option(label, value)));
    where.addEventListener("change", () => model.setFilter({ where: where.value }));
    bar.append(name, state, tag, where);
    return bar;
  }

  export function runItem(run: IRunSummary, selected: boolean): HTMLLIElement {
    const item = element(
      "li",
      `jp-TsematicRuns-item jp-mod-${run.state}${selected ? " jp-mod-selected" : ""}`,
    );
    item.dataset.runId = run.id;
    item.tabIndex = 0;
    item.setAttribute("aria-selected", String(selected));
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
    // Where it ran, for cloud runs: a local run (the usual case) is left unmarked.
    if (run.mode === "cloud") {
      const place = element(
        "span",
        "jp-TsematicRuns-place",
        run.executor ? `cloud · ${run.executor}` : "cloud",
      );
      place.title = `Ran as jobs of the ${run.executor ?? "cloud"} executor`;
      item.append(place);
    }
    // A second line: what tells this run from the others of the same pipeline.
    const facts = runFacts(run, Date.now());
    const line = element("div", "jp-TsematicRuns-facts");
    for (const [key, text] of Object.entries(facts)) {
      if (text) {
        line.append(element("span", `jp-TsematicRuns-${key}`, text));
      }
    }
    if (facts.inputs) {
      line.title = `inputs: ${facts.inputs}`;
    }
    if (line.childElementCount > 0) {
      item.append(line);
    }
    return item;
  }
}
