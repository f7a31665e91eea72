/**
 * The pipeline view: one pipeline's root runs over time (state, duration, success rate), every
 * metric of its runs plotted across runs (one line per label set; a click on a point picks that
 * run), the picked run's curves by step index and its notes, and a list of the runs where two are
 * ticked to compare them.
 *
 * @example
 * ```ts
 * const view = new PipelineView({ stepName: "train", api, settings: () => current,
 *   openRun: (rootId) => selection.select(rootId), compare: (a, b) => openCompare(a, b) });
 * await view.ready;
 * ```
 */
import { Panel, Widget } from "@lumino/widgets";

import { errorText } from "../artifacts/context";
import { NotesPane } from "../notes/pane";
import type { ITsematicSettings } from "../settings";
import type { IPipelineSeriesPage, IPipelineSeriesRun, PipelineApi } from "./api";
import { SpecChart } from "./chart";
import { downsample, PAINT_POINTS_PER_SERIES } from "./downsample";
import {
  acrossRuns,
  curvesOf,
  formatDuration,
  medianDuration,
  successRate,
  timeline,
} from "./series";
import { acrossRunsSpec, curvesSpec, METRIC_POINTS, timelineSpec } from "./specs";
import { acrossRunsTooltip, curvesTooltip, timelineTooltip } from "./tooltips";

export class PipelineView extends Panel {
  constructor(options: PipelineView.IOptions) {
    super();
    this.addClass("jp-TsematicPipeline");
    this.stepName = options.stepName;
    this.node.dataset.pipeline = options.stepName;
    this.title.label = `Pipeline ${options.stepName}`;
    this.title.caption = `Runs and metrics of the pipeline ${options.stepName}`;
    this.title.closable = true;
    this._options = options;
    this.ready = this.refresh();
  }

  readonly stepName: string;

  /** Resolves when the first answer (or failure) is drawn (its charts may still be drawing). */
  readonly ready: Promise<void>;

  /** The run whose curves and notes are shown. */
  get pickedRun(): string | null {
    return this._picked;
  }

  /** The runs ticked for the comparison (at most two), in the order they were ticked. */
  get ticked(): readonly string[] {
    return this._table?.ticked ?? [];
  }

  /** Reads the pipeline again and redraws the view. */
  async refresh(): Promise<void> {
    const generation = ++this._generation;
    if (this.widgets.length === 0) {
      this.addWidget(Private.text("jp-TsematicPipeline-status", "Loading the pipeline…"));
    }
    try {
      // One answer: the runs and every metric already reduced to one value per run.
      const page = await this._options.api.pipelineSeries(this.stepName, { limit: 1000 });
      if (this.isDisposed || generation !== this._generation) {
        return;
      }
      this._draw(page);
    } catch (reason) {
      if (this.isDisposed || generation !== this._generation) {
        return;
      }
      this._clear();
      const error = Private.text("jp-TsematicPipeline-error", errorText(reason));
      error.node.setAttribute("role", "alert");
      this.addWidget(error);
    }
  }

  /** Shows the curves and notes of `rootId` (a run of this pipeline). */
  pick(rootId: string): void {
    if (this._picked === rootId && this._runSection) {
      return;
    }
    this._picked = rootId;
    this.node.dataset.pickedRun = rootId;
    for (const row of this.node.querySelectorAll<HTMLElement>(".jp-TsematicPipeline-run")) {
      row.classList.toggle("jp-mod-picked", row.dataset.runId === rootId);
    }
    this._runSection?.dispose();
    this._runSection = new RunSection({ ...this._options, rootId });
    this.insertWidget(this._runSectionIndex, this._runSection);
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._generation++;
    super.dispose();
  }

  private _clear(): void {
    this._runSection = null;
    this._table = null;
    for (const widget of [...this.widgets]) {
      widget.dispose();
    }
  }

  private _draw(summary: IPipelineSeriesPage): void {
    this._clear();
    const runs = summary.runs;
    this.node.dataset.runs = String(runs.length);
    const rate = summary.successRate ?? successRate(runs);
    const header = new Widget({ node: document.createElement("header") });
    header.addClass("jp-TsematicPipeline-header");
    const title = document.createElement("h2");
    title.textContent = this.stepName;
    const facts = document.createElement("div");
    facts.className = "jp-TsematicPipeline-facts";
    facts.append(
      Private.fact("runs", String(summary.count)),
      Private.fact("success rate", rate === null ? "—" : `${Math.round(rate * 100)}%`),
      Private.fact("median duration", formatDuration(medianDuration(runs))),
    );
    const refresh = document.createElement("button");
    refresh.className = "jp-Button jp-mod-styled";
    refresh.textContent = "Refresh";
    refresh.addEventListener("click", () => void this.refresh());
    header.node.append(title, facts, refresh);
    this.addWidget(header);

    if (runs.length === 0) {
      this.addWidget(
        Private.text("jp-TsematicPipeline-status", `No runs of ${this.stepName} yet.`),
      );
      return;
    }
    const openRun = (rootId: string): void => {
      this.pick(rootId);
      this._options.openRun(rootId);
    };
    this.addWidget(Private.heading("Runs over time"));
    this.addWidget(
      new SpecChart({
        spec: timelineSpec(timeline(runs)),
        tooltip: timelineTooltip,
        title: "runs",
        onPick: openRun,
      }),
    );

    this.addWidget(Private.heading("Metrics across runs"));
    const byName = acrossRuns(summary);
    if (byName.size === 0) {
      this.addWidget(
        Private.text(
          "jp-TsematicPipeline-status",
          "No metrics yet: call logMetric(name, value) inside a step to plot it here.",
        ),
      );
    } else {
      const grid = new Panel();
      grid.addClass("jp-TsematicPipeline-metrics");
      for (const [name, points] of byName) {
        const all = points.map((point) => ({ ...point, marked: true }));
        const thinned = downsample(all, PAINT_POINTS_PER_SERIES);
        // A long series is drawn first as its thinned line; its points come with the whole series.
        const first =
          thinned.length < all.length ? thinned.map((point) => ({ ...point, marked: false })) : all;
        const chart = new SpecChart({
          spec: acrossRunsSpec(name, first),
          tooltip: acrossRunsTooltip(name),
          title: name,
          onPick: openRun,
          ...(first === all ? {} : { complete: { name: METRIC_POINTS, values: all } }),
        });
        chart.node.dataset.points = String(points.length);
        grid.addWidget(chart);
      }
      this.addWidget(grid);
    }
    if (summary.omittedSeries > 0) {
      this.addWidget(
        Private.text(
          "jp-TsematicPipeline-status",
          `${summary.omittedSeries} more series (metric and label set) are not drawn: the server answers 200 at most.`,
        ),
      );
    }

    this._runSectionIndex = this.widgets.length;
    this.addWidget(Private.heading("Runs"));
    this._table = new RunTable(runs, (rootId) => openRun(rootId), this._options.compare);
    this.addWidget(this._table);
    this._runSection = null;
    const picked =
      this._picked && runs.some((run) => run.rootId === this._picked)
        ? this._picked
        : runs[0]!.rootId;
    this._picked = null;
    this.pick(picked);
  }

  private readonly _options: PipelineView.IOptions;
  private _generation = 0;
  private _picked: string | null = null;
  private _runSection: RunSection | null = null;
  private _runSectionIndex = 0;
  private _table: RunTable | null = null;
}

export namespace PipelineView {
  export interface IOptions {
    stepName: string;
    api: PipelineApi;
    settings: () => ITsematicSettings;
    /** Opens a run (selects it: the runs panel shows its graph). */
    openRun: (rootId: string) => void;
    /** Opens the comparison of two runs, the older first. */
    compare: (before: string, after: string) => void;
  }
}

/** The picked run: its curves (values logged with a step index) and its notes. */
class RunSection extends Panel {
  constructor(options: PipelineView.IOptions & { rootId: string }) {
    super();
    this.addClass("jp-TsematicPipeline-picked");
    this.node.dataset.runId = options.rootId;
    const heading = Private.heading(`Run ${options.rootId}`);
    this.addWidget(heading);
    this._curves = new Panel();
    this._curves.addClass("jp-TsematicPipeline-metrics");
    this._curves.addWidget(Private.text("jp-TsematicPipeline-status", "Loading its metrics…"));
    this.addWidget(this._curves);
    this.addWidget(
      new NotesPane({ rootId: options.rootId, settings: options.settings, api: options.api }),
    );
    void this._load(options);
  }

  private async _load(options: PipelineView.IOptions & { rootId: string }): Promise<void> {
    try {
      const curves = curvesOf(await options.api.runMetrics(options.rootId));
      if (this.isDisposed) {
        return;
      }
      for (const widget of [...this._curves.widgets]) {
        widget.dispose();
      }
      if (curves.size === 0) {
        this._curves.addWidget(
          Private.text(
            "jp-TsematicPipeline-status",
            "No curves: this run logged no metric with a step index.",
          ),
        );
      }
      for (const [name, points] of curves) {
        this._curves.addWidget(
          new SpecChart({
            spec: curvesSpec(name, points),
            tooltip: curvesTooltip(name),
            title: `${name} by step`,
          }),
        );
      }
    } catch (reason) {
      if (this.isDisposed) {
        return;
      }
      for (const widget of [...this._curves.widgets]) {
        widget.dispose();
      }
      this._curves.addWidget(Private.text("jp-TsematicPipeline-error", errorText(reason)));
    }
  }

  private readonly _curves: Panel;
}

/** How many runs the table lists before "Show all". */
const TABLE_FIRST_ROWS = 100;

/** The runs, newest first, each with a box to tick for the comparison. */
class RunTable extends Widget {
  constructor(
    runs: readonly IPipelineSeriesRun[],
    open: (rootId: string) => void,
    compare: (before: string, after: string) => void,
  ) {
    super();
    this.addClass("jp-TsematicPipeline-runs");
    const compareButton = document.createElement("button");
    compareButton.className = "jp-Button jp-mod-styled jp-mod-accept jp-TsematicPipeline-compare";
    compareButton.textContent = "Compare Runs";
    compareButton.disabled = true;
    compareButton.title = "Tick two runs to compare them";
    const ticked = this.ticked;
    compareButton.addEventListener("click", () => {
      if (ticked.length !== 2) {
        return;
      }
      // The older run first: the comparison reads "before → after".
      const order = runs.map((run) => run.rootId);
      const [a, b] = [...ticked].sort((x, y) => order.indexOf(y) - order.indexOf(x));
      compare(a!, b!);
    });
    const table = document.createElement("table");
    table.className = "jp-TsematicPipeline-table";
    const head = table.createTHead().insertRow();
    for (const label of ["", "run", "state", "started", "duration"]) {
      head.append(Object.assign(document.createElement("th"), { textContent: label }));
    }
    const body = table.createTBody();
    const addRow = (run: IPipelineSeriesRun): void => {
      const row = body.insertRow();
      row.className = `jp-TsematicPipeline-run jp-mod-${run.state}`;
      row.dataset.runId = run.rootId;
      const tick = document.createElement("input");
      tick.type = "checkbox";
      tick.setAttribute("aria-label", `Compare run ${run.rootId}`);
      tick.addEventListener("change", () => {
        const at = ticked.indexOf(run.rootId);
        if (tick.checked && at < 0) {
          ticked.push(run.rootId);
        }
        if (!tick.checked && at >= 0) {
          ticked.splice(at, 1);
        }
        // Two at most: a third tick replaces the oldest one.
        while (ticked.length > 2) {
          const dropped = ticked.shift()!;
          const box = body.querySelector<HTMLInputElement>(`tr[data-run-id="${dropped}"] input`);
          if (box) {
            box.checked = false;
          }
        }
        compareButton.disabled = ticked.length !== 2;
      });
      row.insertCell().append(tick);
      const link = document.createElement("button");
      link.className = "jp-TsematicPipeline-runLink";
      link.textContent = run.rootId.slice(0, 12);
      link.title = `Open run ${run.rootId}`;
      link.addEventListener("click", () => open(run.rootId));
      row.insertCell().append(link);
      row.insertCell().textContent = run.state;
      const time = document.createElement("time");
      time.dateTime = new Date(run.startedAt).toISOString();
      time.textContent = new Date(run.startedAt).toLocaleString();
      row.insertCell().append(time);
      row.insertCell().textContent = formatDuration(run.durationMs);
    };
    // The newest runs first; a thousand rows would slow the view's first paint for little use.
    runs.slice(0, TABLE_FIRST_ROWS).forEach(addRow);
    this.node.append(compareButton, table);
    if (runs.length > TABLE_FIRST_ROWS) {
      const more = document.createElement("button");
      more.className = "jp-Button jp-mod-styled jp-TsematicPipeline-more";
      more.textContent = `Show all ${runs.length} runs`;
      more.addEventListener("click", () => {
        runs.slice(TABLE_FIRST_ROWS).forEach(addRow);
        more.remove();
      });
      this.node.append(more);
    }
  }

  /** The runs ticked, oldest tick first. */
  readonly ticked: string[] = [];
}

namespace Private {
  export function text(className: string, content: string): Widget {
    const widget = new Widget();
    widget.addClass(className);
    widget.node.textContent = content;
    return widget;
  }

  export function heading(content: string): Widget {
    const widget = new Widget({ node: document.createElement("h3") });
    widget.addClass("jp-TsematicPipeline-heading");
    widget.node.textContent = content;
    return widget;
  }

  export function fact(label: string, value: string): HTMLElement {
    const node = document.createElement("span");
    node.className = "jp-TsematicPipeline-fact";
    node.dataset.fact = label;
    const strong = document.createElement("strong");
    strong.textContent = value;
    node.append(strong, ` ${label}`);
    return node;
  }
}
