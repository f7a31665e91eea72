/**
 * Two runs of a pipeline side by side ({@link compareRuns}): the inputs (those that differ marked),
 * the outputs that differ (tables: schema and row counts from their summaries; JSON: a structural
 * diff of the values), the metrics' last values, and the code: the steps whose source hash changed,
 * each with a line diff of the source text the two runs recorded.
 *
 * @example
 * ```ts
 * const view = new CompareView({ before: "r-old", after: "r-new", api });
 * await view.ready;
 * ```
 */
import { Panel, Widget } from "@lumino/widgets";

import { errorText } from "../artifacts/context";
import type { IArtifact } from "../step/api";
import type { PipelineApi } from "./api";
import {
  compareRuns,
  type ICodeChange,
  type IPortPair,
  type IRunComparison,
  schemaChanges,
  tableShape,
} from "./compare-model";
import { type JsonValue, jsonDiff, shortJson } from "./json-diff";
import { sourceDiff } from "./source-diff";

export class CompareView extends Panel {
  constructor(options: CompareView.IOptions) {
    super();
    this.addClass("jp-TsematicCompare");
    this.before = options.before;
    this.after = options.after;
    this.node.dataset.before = options.before;
    this.node.dataset.after = options.after;
    this.title.label = `Compare ${options.before.slice(0, 6)} ↔ ${options.after.slice(0, 6)}`;
    this.title.caption = `Run ${options.before} compared with run ${options.after}`;
    this.title.closable = true;
    this._api = options.api;
    this._openRun = options.openRun ?? null;
    this.addWidget(Private.block("div", "jp-TsematicPipeline-status", "Comparing the runs…"));
    this.ready = this._load();
  }

  readonly before: string;
  readonly after: string;

  /** Resolves once everything (value and source diffs included) is shown, or the failure. */
  readonly ready: Promise<void>;

  private async _load(): Promise<void> {
    try {
      const api = this._api;
      const [graphA, graphB, metricsA, metricsB] = await Promise.all([
        api.graph(this.before),
        api.graph(this.after),
        api.runMetrics(this.before),
        api.runMetrics(this.after),
      ]);
      if (this.isDisposed) {
        return;
      }
      const comparison = compareRuns(
        { rootId: this.before, graph: graphA, metrics: metricsA },
        { rootId: this.after, graph: graphB, metrics: metricsB },
      );
      for (const widget of [...this.widgets]) {
        widget.dispose();
      }
      this.addWidget(this._header(comparison));
      this.addWidget(this._inputs(comparison.inputs));
      const outputs = this._outputs(comparison.outputs);
      this.addWidget(outputs.widget);
      this.addWidget(this._metrics(comparison));
      const code = this._code(comparison.code);
      this.addWidget(code.widget);
      await Promise.all([outputs.done, code.done]);
      if (!this.isDisposed) {
        this.node.dataset.loaded = "true";
      }
    } catch (reason) {
      if (this.isDisposed) {
        return;
      }
      for (const widget of [...this.widgets]) {
        widget.dispose();
      }
      const error = Private.block("div", "jp-TsematicPipeline-error", errorText(reason));
      error.node.setAttribute("role", "alert");
      this.addWidget(error);
    }
  }

  private _header(comparison: IRunComparison): Widget {
    const header = Private.block("header", "jp-TsematicPipeline-header");
    const title = document.createElement("h2");
    title.textContent = "Compare runs";
    const pair = document.createElement("div");
    pair.className = "jp-TsematicCompare-pair";
    pair.append(
      this._runLink(comparison.before, "before"),
      " → ",
      this._runLink(comparison.after, "after"),
    );
    header.node.append(title, pair);
    return header;
  }

  private _runLink(rootId: string, side: string): HTMLElement {
    const link = document.createElement("button");
    link.className = "jp-TsematicPipeline-runLink";
    link.dataset.side = side;
    link.textContent = rootId;
    link.title = `Open run ${rootId}`;
    link.addEventListener("click", () => this._openRun?.(rootId));
    return link;
  }

  private _inputs(inputs: readonly IPortPair[]): Widget {
    const section = Private.section("Inputs", "inputs");
    const changed = inputs.filter((port) => port.changed).length;
    section.node.append(
      Private.note(
        inputs.length === 0
          ? "The pipeline has no inputs."
          : changed === 0
            ? "Every input is the same."
            : `${changed} of ${inputs.length} inputs differ.`,
      ),
    );
    if (inputs.length > 0) {
      const table = Private.table(["input", "before", "after"]);
      for (const port of inputs) {
        const row = table.tBodies[0]!.insertRow();
        row.className = port.changed ? "jp-mod-changed" : "jp-mod-same";
        row.dataset.name = port.name;
        row.insertCell().textContent = port.name;
        row.insertCell().textContent = Private.artifactText(port.before);
        row.insertCell().textContent = Private.artifactText(port.after);
      }
      section.node.append(table);
    }
    return section;
  }

  private _outputs(outputs: readonly IPortPair[]): { widget: Widget; done: Promise<void> } {
    const section = Private.section("Outputs that differ", "outputs");
    if (outputs.length === 0) {
      section.node.append(Private.note("Every output is the same."));
      return { widget: section, done: Promise.resolve() };
    }
    const done = outputs.map(async (port) => {
      const box = document.createElement("div");
      box.className = "jp-TsematicCompare-output";
      box.dataset.step = port.stepName;
      box.dataset.name = port.name;
      const title = document.createElement("h4");
      title.textContent = `${port.stepName} → ${port.name}`;
      box.append(title);
      section.node.append(box);
      try {
        box.append(await this._outputDiff(port));
      } catch (reason) {
        box.append(Private.note(`The values could not be compared: ${errorText(reason)}`));
      }
    });
    return { widget: section, done: Promise.all(done).then(() => undefined) };
  }

  private async _outputDiff(port: IPortPair): Promise<HTMLElement> {
    const { before, after } = port;
    if (before === null || after === null) {
      return Private.note(
        before === null ? "Only the second run has it." : "Only the first run has it.",
      );
    }
    if (before.typeName === "arrow.table" && after.typeName === "arrow.table") {
      const a = tableShape(before);
      const b = tableShape(after);
      const node = document.createElement("div");
      node.className = "jp-TsematicCompare-table";
      node.append(
        Private.note(
          `Rows: ${a.rows ?? "?"} → ${b.rows ?? "?"}; columns: ${a.columns.length} → ${b.columns.length}.`,
        ),
      );
      const changes = schemaChanges(a, b);
      if (changes.length > 0) {
        const table = Private.table(["column", "before", "after"]);
        for (const change of changes) {
          const row = table.tBodies[0]!.insertRow();
          row.insertCell().textContent = change.name;
          row.insertCell().textContent = change.before ?? "—";
          row.insertCell().textContent = change.after ?? "—";
        }
        node.append(table);
      } else {
        node.append(Private.note("Same schema."));
      }
      return node;
    }
    if (before.typeName === "json" && after.typeName === "json") {
      const [a, b] = await Promise.all([
        this._api.artifactText(before.id),
        this._api.artifactText(after.id),
      ]);
      const diff = jsonDiff(JSON.parse(a) as JsonValue, JSON.parse(b) as JsonValue);
      const table = Private.table(["path", "change", "before", "after"]);
      table.classList.add("jp-TsematicCompare-json");
      for (const change of diff.changes) {
        const row = table.tBodies[0]!.insertRow();
        row.className = `jp-mod-${change.kind}`;
        row.insertCell().textContent = change.path;
        row.insertCell().textContent = change.kind;
        row.insertCell().textContent = shortJson(change.before);
        row.insertCell().textContent = shortJson(change.after);
      }
      const node = document.createElement("div");
      node.append(table);
      if (diff.truncated > 0) {
        node.append(Private.note(`…and ${diff.truncated} more changes.`));
      }
      return node;
    }
    return Private.note(`${Private.artifactText(before)} → ${Private.artifactText(after)}`);
  }

  private _metrics(comparison: IRunComparison): Widget {
    const section = Private.section("Metrics", "metrics");
    if (comparison.metrics.length === 0) {
      section.node.append(Private.note("Neither run logged a metric."));
      return section;
    }
    const table = Private.table(["metric", "labels", "before", "after", "change"]);
    for (const metric of comparison.metrics) {
      const row = table.tBodies[0]!.insertRow();
      row.dataset.name = metric.name;
      row.className = metric.before === metric.after ? "jp-mod-same" : "jp-mod-changed";
      row.insertCell().textContent = metric.name;
      row.insertCell().textContent = metric.series;
      row.insertCell().textContent = Private.number(metric.before);
      row.insertCell().textContent = Private.number(metric.after);
      row.insertCell().textContent =
        metric.before !== null && metric.after !== null
          ? Private.signed(metric.after - metric.before)
          : "—";
    }
    section.node.append(table);
    return section;
  }

  private _code(code: readonly ICodeChange[]): { widget: Widget; done: Promise<void> } {
    const section = Private.section("Code", "code");
    if (code.length === 0) {
      section.node.append(Private.note("Every step's source is the same."));
      return { widget: section, done: Promise.resolve() };
    }
    section.node.append(
      Private.note(code.length === 1 ? "1 step changed." : `${code.length} steps changed.`),
    );
    const done = code.map(async (change) => {
      const box = document.createElement("div");
      box.className = "jp-TsematicCompare-step";
      box.dataset.step = change.stepName;
      const title = document.createElement("h4");
      title.textContent =
        change.before === null
          ? `${change.stepName} (only in the second run)`
          : change.after === null
            ? `${change.stepName} (only in the first run)`
            : `${change.stepName}: ${change.before.sourceHash.slice(0, 8)} → ${change.after.sourceHash.slice(0, 8)}`;
      box.append(title);
      section.node.append(box);
      try {
        const [a, b] = await Promise.all([
          change.before ? this._api.run(change.before.id).then((r) => r.run.sourceText) : "",
          change.after ? this._api.run(change.after.id).then((r) => r.run.sourceText) : "",
        ]);
        const pre = document.createElement("pre");
        pre.className = "jp-TsematicCompare-diff";
        for (const line of sourceDiff(a, b)) {
          const span = document.createElement("span");
          span.className = `jp-mod-${line.kind}`;
          span.textContent = `${line.kind === "added" ? "+" : line.kind === "removed" ? "-" : " "} ${line.text}\n`;
          pre.append(span);
        }
        box.append(pre);
      } catch (reason) {
        box.append(Private.note(`The sources could not be read: ${errorText(reason)}`));
      }
    });
    return { widget: section, done: Promise.all(done).then(() => undefined) };
  }

  private readonly _api: PipelineApi;
  private readonly _openRun: ((rootId: string) => void) | null;
}

export namespace CompareView {
  export interface IOptions {
    /** The first (older) root run. */
    before: string;
    /** The second (newer) root run. */
    after: string;
    api: PipelineApi;
    /** Opens a run (the header's links). */
    openRun?: (rootId: string) => void;
  }
}

namespace Private {
  export function block(tag: string, className: string, text?: string): Widget {
    const widget = new Widget({ node: document.createElement(tag) });
    widget.addClass(className);
    if (text !== undefined) {
      widget.node.textContent = text;
    }
    return widget;
  }

  export function section(title: string, name: string): Widget {
    const widget = block("section", "jp-TsematicCompare-section");
    widget.node.dataset.section = name;
    const heading = document.createElement("h3");
    heading.className = "jp-TsematicPipeline-heading";
    heading.textContent = title;
    widget.node.append(heading);
    return widget;
  }

  export function note(text: string): HTMLElement {
    const node = document.createElement("p");
    node.className = "jp-TsematicCompare-note";
    node.textContent = text;
    return node;
  }

  export function table(columns: readonly string[]): HTMLTableElement {
    const table = document.createElement("table");
    table.className = "jp-TsematicPipeline-table";
    const head = table.createTHead().insertRow();
    for (const column of columns) {
      head.append(Object.assign(document.createElement("th"), { textContent: column }));
    }
    table.createTBody();
    return table;
  }

  /** An artifact in one cell: its summary's preview when short, else its type and address. */
  export function artifactText(artifact: IArtifact | null): string {
    if (artifact === null) {
      return "—";
    }
    // kernel-lib's JSON summary has a canonical preview (cut at 200 characters).
    const preview = artifact.summary.preview;
    if (typeof preview === "string" && artifact.typeName === "json") {
      return preview.length > 80 ? `${preview.slice(0, 79)}…` : preview;
    }
    if (artifact.typeName === "arrow.table") {
      const shape = tableShape(artifact);
      return `table ${shape.rows ?? "?"} rows × ${shape.columns.length} columns`;
    }
    return `${artifact.typeName} ${artifact.id.slice(0, 8)}`;
  }

  export function number(value: number | null): string {
    return value === null ? "—" : String(Number(value.toPrecision(6)));
  }

  export function signed(delta: number): string {
    const text = number(delta);
    return delta > 0 ? `+${text}` : text;
  }
}
