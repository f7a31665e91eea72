/**
 * An Arrow table artifact: column summaries from the artifact's summary (no download needed), the
 * rows in a virtualized DOM grid fed by the server's Arrow IPC stream (the first batch shows as soon
 * as it is decoded), and a SQL box run by duckdb-wasm in the browser over the table, named `t`
 * (started and loaded in the background once the rows are all here: {@link SqlTable}).
 */
import { Panel, Widget } from "@lumino/widgets";

import type { IArtifact } from "../step/api";
import { ArrowDataModel, type IArrowField } from "./arrow-model";
import { describeColumn } from "./column-summary";
import type { IArtifactViewContext } from "./context";
import { errorText } from "./context";
import { TableGrid } from "./grid";
import { SqlTable } from "./sql-table";

/** What a table view reports, for tests and the benchmark (also set as data attributes). */
export interface ITableTimings {
  /** From the request to the first rows in the grid. */
  firstRowsMs?: number;
  /** From the request to the last batch. */
  allRowsMs?: number;
  /** The last SQL query, without loading duckdb-wasm or registering the table. */
  queryMs?: number;
}

export class TableView extends Panel {
  constructor(artifact: IArtifact, context: IArtifactViewContext) {
    super();
    this.addClass("jp-TsematicTable");
    this._artifact = artifact;
    this._context = context;

    const summary = artifact.summary;
    this._header = Private.div("jp-TsematicTable-header");
    this._header.textContent = `${Number(summary.numRows ?? 0).toLocaleString()} rows × ${Number(
      summary.numCols ?? 0,
    )} columns`;
    this._status = Private.div("jp-TsematicTable-status");
    this._header.appendChild(this._status);
    this.addWidget(new Widget({ node: this._header }));
    this.addWidget(new Widget({ node: Private.stats(summary) }));

    this._grid = new TableGrid({ label: "Rows of the table" });
    // Widths from the whole table's statistics, not just the first rows loaded.
    if (Array.isArray(summary.stats)) {
      this._grid.columnStats = (summary.stats as unknown[]).map((stat) =>
        typeof stat === "object" && stat !== null ? (stat as Record<string, unknown>) : {},
      );
    }
    this._grid.addClass("jp-TsematicTable-grid");
    this.addWidget(this._grid);

    this.addWidget(this._sqlBox());
    this._resultStatus = Private.div("jp-TsematicTable-sqlStatus");
    this.addWidget(new Widget({ node: this._resultStatus }));
    this._resultGrid = new TableGrid({ label: "Result of the SQL query" });
    this._resultGrid.addClass("jp-TsematicTable-result");
    this._resultGrid.hide();
    this.addWidget(this._resultGrid);
    void this._load();
  }

  readonly timings: ITableTimings = {};

  /** The rows' model, once the stream's schema arrived. */
  get model(): ArrowDataModel | null {
    return this._model;
  }

  /** The last SQL result's model. */
  get resultModel(): ArrowDataModel | null {
    return this._resultGrid.model;
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._abort.abort();
    this._sql.dispose();
    super.dispose();
  }

  /** Runs `sql` with duckdb-wasm over this table (as `t`) and shows the result below. */
  async runQuery(sql: string): Promise<void> {
    this._resultStatus.classList.remove("jp-mod-error");
    this._resultStatus.textContent = "Running…";
    try {
      const answer = await this._sql.query(sql);
      if (this.isDisposed || !answer) {
        return;
      }
      const { result, queryMs: ms } = answer;
      this.timings.queryMs = ms;
      this.node.dataset.queryMs = ms.toFixed(1);
      const model = new ArrowDataModel(result.schema.fields);
      model.append(result);
      this._resultGrid.model = model;
      this._resultGrid.show();
      this._resultStatus.textContent = `${model.numRows.toLocaleString()} rows in ${ms.toFixed(0)} ms`;
    } catch (reason) {
      if (this.isDisposed) {
        return;
      }
      this._resultGrid.hide();
      this._resultStatus.classList.add("jp-mod-error");
      this._resultStatus.textContent = errorText(reason);
    }
  }

  private _sqlBox(): Widget {
    const node = Private.div("jp-TsematicTable-sql");
    const input = document.createElement("textarea");
    input.className = "jp-TsematicTable-sqlInput";
    input.spellcheck = false;
    input.rows = 2;
    input.value = Private.FIRST_SQL;
    // Typing a query takes longer than getting duckdb-wasm ready: start now if not yet started.
    input.addEventListener("focus", () => this._sql.prepare());
    input.setAttribute(
      "aria-label",
      "SQL over this table (as t), run by duckdb-wasm in the browser",
    );
    const button = document.createElement("button");
    button.className = "jp-Button jp-mod-styled jp-mod-accept jp-TsematicTable-sqlRun";
    button.textContent = "Run SQL";
    button.title = "Run the query in the browser with duckdb-wasm (Ctrl+Enter)";
    button.addEventListener("click", () => void this.runQuery(input.value));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.runQuery(input.value);
      }
    });
    node.append(input, button);
    return new Widget({ node });
  }

  private async _load(): Promise<void> {
    const started = performance.now();
    this._status.textContent = " · loading…";
    try {
      const [{ RecordBatchReader }, response] = await Promise.all([
        import("apache-arrow"),
        this._context.api.artifactValue(this._artifact.id, this._abort.signal),
      ]);
      if (this.isDisposed) {
        return;
      }
      const body = response.body;
      if (!body) {
        throw new Error("the server sent no table bytes");
      }
      // One branch is decoded for the grid, the other kept for duckdb-wasm.
      const [forGrid, forSql] = body.tee();
      void Private.collect(forSql).then(this._bytes.resolve, this._bytes.reject);
      const reader = await RecordBatchReader.from(forGrid);
      await reader.open();
      if (this.isDisposed) {
        return;
      }
      const model = new ArrowDataModel(reader.schema.fields as readonly IArrowField[]);
      this._model = model;
      this._grid.model = model;
      for await (const batch of reader) {
        if (this.isDisposed) {
          return;
        }
        model.append(batch);
        if (this.timings.firstRowsMs === undefined) {
          this.timings.firstRowsMs = performance.now() - started;
          this.node.dataset.firstRowsMs = this.timings.firstRowsMs.toFixed(1);
        }
        this._status.textContent = ` · ${model.numRows.toLocaleString()} loaded…`;
        this.node.dataset.rowsLoaded = String(model.numRows);
      }
      this.timings.allRowsMs = performance.now() - started;
      this.node.dataset.allRowsMs = this.timings.allRowsMs.toFixed(1);
      this._status.textContent = "";
      this.node.dataset.loaded = "true";
      Private.whenIdle(() => this._sql.prepare());
    } catch (reason) {
      this._bytes.reject(reason);
      if (this.isDisposed) {
        return;
      }
      this._status.textContent = ` · ${errorText(reason)}`;
      this._status.classList.add("jp-mod-error");
    }
  }

  private readonly _artifact: IArtifact;
  private readonly _context: IArtifactViewContext;
  private readonly _header: HTMLElement;
  private readonly _status: HTMLElement;
  private readonly _grid: TableGrid;
  private readonly _resultGrid: TableGrid;
  private readonly _resultStatus: HTMLElement;
  private readonly _abort = new AbortController();
  private readonly _bytes = Private.deferred<Uint8Array>();
  private readonly _sql = new SqlTable({
    name: `tsematic_${Math.random().toString(36).slice(2, 10)}`,
    bytes: this._bytes.promise,
    engine: async () => (await import("./duckdb")).SqlDatabase.shared(),
    warmUpSql: Private.FIRST_SQL,
  });
  private _model: ArrowDataModel | null = null;
}

namespace Private {
  /** The SQL box's query until the user types another. */
  export const FIRST_SQL = "SELECT * FROM t LIMIT 100";

  export function div(className: string): HTMLDivElement {
    const node = document.createElement("div");
    node.className = className;
    return node;
  }

  /**
   * Runs `task` when the page has a moment (the grid's first frames come first), or after 1 s at
   * the latest.
   */
  export function whenIdle(task: () => void): void {
    if (typeof requestIdleCallback === "function") {
      requestIdleCallback(task, { timeout: 1000 });
    } else {
      setTimeout(task, 0);
    }
  }

  export function deferred<T>(): {
    promise: Promise<T>;
    resolve: (v: T) => void;
    reject: (e: unknown) => void;
  } {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined);
    return { promise, resolve, reject };
  }

  /** Per-column statistics of the artifact's summary, as a small HTML table. */
  export function stats(summary: Record<string, unknown>): HTMLElement {
    const node = div("jp-TsematicTable-stats");
    const schema = Array.isArray(summary.schema)
      ? (summary.schema as Array<Record<string, unknown>>)
      : [];
    const stats = Array.isArray(summary.stats)
      ? (summary.stats as Array<Record<string, unknown>>)
      : [];
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const title of ["column", "type", "nulls", "summary"]) {
      const th = document.createElement("th");
      th.textContent = title;
      head.appendChild(th);
    }
    const body = table.createTBody();
    schema.forEach((field, i) => {
      const stat = stats[i] ?? {};
      const row = body.insertRow();
      row.insertCell().textContent = String(field.name ?? "");
      row.insertCell().textContent = String(field.type ?? "");
      row.insertCell().textContent = String(stat.nullCount ?? "");
      row.insertCell().textContent = describeColumn(stat);
    });
    node.appendChild(table);
    return node;
  }

  /** All of a stream's bytes in one array. */
  export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let size = 0;
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      parts.push(value);
      size += value.byteLength;
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.byteLength;
    }
    return bytes;
  }
}
