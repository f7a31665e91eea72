/**
 * A grid of table rows in the DOM, virtualized: only the visible rows exist, as a pool of row
 * elements filled again as the grid scrolls. A scroll step costs the text of the dozen or so rows
 * in view, laid out by the browser. No canvas: the text is selectable, colors and fonts follow the
 * JupyterLab theme through `--jp-*` variables, and screen readers see a `role="grid"` with
 * `aria-rowcount` and `aria-rowindex`.
 *
 * Layout: the widget's node scrolls. It holds a spacer (the sizer) as tall as the rows (capped, see
 * ./grid-window), and inside it a pane that sticks to the top of the viewport with the header row
 * and the pooled rows, shifted by the part of a row scrolled past. Row numbers stick to the left
 * when the columns are wider than the grid. Columns are sized from the rows' text (in `ch` of the
 * code font) and can be dragged wider. The grid's height comes from its container's CSS.
 *
 * @example
 * ```ts
 * const grid = new TableGrid({ label: "Rows of sales" });
 * grid.model = new ArrowDataModel(schema.fields); // rows appended later show as they arrive
 * grid.scrollToRow(500_000);
 * ```
 */
import { Widget } from "@lumino/widgets";

import type { ArrowDataModel } from "./arrow-model";
import { ColumnLayout } from "./grid-columns";
import {
  clampOffset,
  type IGridGeometry,
  isScaled,
  maxOffset,
  offsetAfterKey,
  offsetOfScroll,
  poolRotation,
  poolSize,
  scrollOfOffset,
  spacerHeight,
  visibleRows,
  wheelPixels,
} from "./grid-window";

/** Pixels a left or right arrow key scrolls sideways. */
const SIDE_STEP = 40;

export class TableGrid extends Widget {
  constructor(options: TableGrid.IOptions = {}) {
    super();
    this.addClass("jp-TsematicGrid");
    this._rowHeight = options.rowHeight ?? 22;
    this._headerHeight = options.headerHeight ?? 24;
    const node = this.node;
    node.tabIndex = 0;
    node.setAttribute("role", "grid");
    node.setAttribute("aria-readonly", "true");
    node.setAttribute("aria-rowcount", "1");
    if (options.label) {
      node.setAttribute("aria-label", options.label);
    }
    this._sizer = Private.div("jp-TsematicGrid-sizer", "presentation");
    this._pane = Private.div("jp-TsematicGrid-pane", "presentation");
    this._header = Private.div("jp-TsematicGrid-row jp-TsematicGrid-headerRow", "row");
    this._header.setAttribute("aria-rowindex", "1");
    this._header.style.height = `${this._headerHeight}px`;
    this._header.style.lineHeight = `${this._headerHeight - 1}px`;
    this._body = Private.div("jp-TsematicGrid-body", "rowgroup");
    this._pane.append(this._header, this._body);
    this._sizer.appendChild(this._pane);
    node.appendChild(this._sizer);
    node.addEventListener("scroll", this, { passive: true });
    node.addEventListener("wheel", this, { passive: false });
    node.addEventListener("keydown", this);
    this._header.addEventListener("pointerdown", this);
    this._header.addEventListener("dblclick", this);
    // The viewport's height decides how many rows are pooled: watch it (panels, splitters, the
    // horizontal scroll bar coming and going); the header row is as wide as the columns.
    this._resizeObserver = new ResizeObserver(() => this._measure());
    this._resizeObserver.observe(node);
    this._resizeObserver.observe(this._header);
  }

  /**
   * The per-column statistics of the table's summary (`stats`, in column order): the columns are
   * as wide as their widest values from the start, not only the rows loaded so far. Set it before
   * the model.
   */
  columnStats: ReadonlyArray<Readonly<Record<string, unknown>>> | null = null;

  /** The rows shown; rows appended to it later appear as they arrive. */
  get model(): ArrowDataModel | null {
    return this._model;
  }

  set model(model: ArrowDataModel | null) {
    if (this._model === model) {
      return;
    }
    const previous = this._model;
    previous?.rowsAdded.disconnect(this._onRowsAdded, this);
    this._model = model;
    model?.rowsAdded.connect(this._onRowsAdded, this);
    this._offset = 0;
    this._columns.reset();
    if (model) {
      this._columns.fit(model, 0, model.numRows);
      if (this.columnStats) {
        const headers = Array.from({ length: model.numColumns }, (_, column) =>
          model.data("column-header", 0, column),
        );
        this._columns.fitSummary(headers, this.columnStats);
      }
    }
    this._buildHeader();
    this._rebuildPool();
    this._update();
    if (previous) {
      this.node.scrollLeft = 0;
    }
  }

  /** Height of every row, in CSS pixels. */
  get rowHeight(): number {
    return this._rowHeight;
  }

  /** How far the rows are scrolled, in content pixels (row × row height). */
  get scrollOffset(): number {
    return this._offset;
  }

  /** The largest {@link scrollOffset}: the last row at the bottom. */
  get maxScrollOffset(): number {
    return maxOffset(this._geometry());
  }

  /** The rows in view now: the first one, and how many from it (partly) show. */
  get visibleRange(): { readonly first: number; readonly count: number } {
    return { first: this._first, count: this._count };
  }

  /**
   * Scrolls to a content offset and fills the rows now in view at once (the browser lays them out
   * and paints them in the next frame).
   */
  scrollToOffset(offset: number): void {
    const geometry = this._geometry();
    this._offset = clampOffset(geometry, offset);
    this._syncScrollBar(geometry);
    this._render(geometry);
  }

  /** Scrolls so that `row` is the first row in view (or as near as the table's end allows). */
  scrollToRow(row: number): void {
    this.scrollToOffset(row * this._rowHeight);
  }

  /** @internal DOM events of the grid (Lumino's `EventListenerObject` pattern). */
  handleEvent(event: Event): void {
    switch (event.type) {
      case "scroll":
        this._onScroll();
        break;
      case "wheel":
        this._onWheel(event as WheelEvent);
        break;
      case "keydown":
        this._onKeyDown(event as KeyboardEvent);
        break;
      case "pointerdown":
        this._onPointerDown(event as PointerEvent);
        break;
      case "pointermove":
        this._onPointerMove(event as PointerEvent);
        break;
      case "pointerup":
      case "pointercancel":
        this._endResize();
        break;
      case "dblclick":
        this._onDoubleClick(event as MouseEvent);
        break;
    }
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._resizeObserver.disconnect();
    this._model?.rowsAdded.disconnect(this._onRowsAdded, this);
    this._model = null;
    super.dispose();
  }

  private _geometry(): IGridGeometry {
    return {
      rowCount: this._model?.numRows ?? 0,
      rowHeight: this._rowHeight,
      viewportHeight: this._viewportHeight,
    };
  }

  /** The viewport's size and the columns' width, read where layout is clean (ResizeObserver). */
  private _measure(): void {
    const height = this.node.clientHeight;
    this.toggleClass("jp-mod-wide", this._header.offsetWidth > this.node.clientWidth);
    if (height === this._clientHeight) {
      return;
    }
    this._clientHeight = height;
    this._viewportHeight = Math.max(0, height - this._headerHeight);
    this._pane.style.height = `${height}px`;
    this._ensurePool();
    this._update();
  }

  /** After the rows, the viewport or the columns changed: spacer, ARIA counts, scroll bar, rows. */
  private _update(): void {
    const geometry = this._geometry();
    const height = this._headerHeight + spacerHeight(geometry);
    if (height !== this._sizerHeight) {
      this._sizerHeight = height;
      this._sizer.style.height = `${height}px`;
    }
    const rowCount = String(geometry.rowCount + 1);
    if (this.node.getAttribute("aria-rowcount") !== rowCount) {
      this.node.setAttribute("aria-rowcount", rowCount);
    }
    this._applyTemplate();
    this._offset = clampOffset(geometry, this._offset);
    this._syncScrollBar(geometry);
    this._render(geometry);
  }

  /** Moves the scroll bar to where the offset is (a no-op unless the bar is scaled or clamped). */
  private _syncScrollBar(geometry: IGridGeometry): void {
    if (this._clientHeight === 0) {
      return;
    }
    const scrollTop = scrollOfOffset(geometry, this._offset);
    if (Math.abs(scrollTop - this._scrollTop) >= 0.5) {
      this.node.scrollTop = scrollTop;
      // The browser may round or clamp: remember what it took, so its scroll event is known ours.
      this._scrollTop = this.node.scrollTop;
    }
  }

  /** Fills the pooled rows with the rows at the current offset; rows already showing stay. */
  private _render(geometry: IGridGeometry): void {
    const model = this._model;
    const { first, count, shift } =
      model && this._clientHeight > 0
        ? visibleRows(geometry, this._offset)
        : { first: 0, count: 0, shift: 0 };
    this._rotatePool(first);
    this._first = first;
    this._count = count;
    if (shift !== this._shift) {
      this._shift = shift;
      this._body.style.transform = shift ? `translateY(${-shift}px)` : "";
    }
    const columns = model?.numColumns ?? 0;
    for (let i = 0; i < this._pool.length; i++) {
      const slot = this._pool[i]!;
      const row = i < count ? first + i : -1;
      if (slot.row === row) {
        continue;
      }
      if (row < 0 || !model) {
        slot.row = -1;
        slot.node.style.display = "none";
        slot.node.removeAttribute("aria-rowindex");
        continue;
      }
      if (slot.row < 0) {
        slot.node.style.display = "";
      }
      if ((slot.row & 1) !== (row & 1) || slot.row < 0) {
        slot.node.classList.toggle("jp-mod-odd", (row & 1) === 1);
      }
      slot.row = row;
      slot.node.setAttribute("aria-rowindex", String(row + 2));
      slot.texts[0]!.data = String(row);
      for (let column = 0; column < columns; column++) {
        const text = model.data("body", row, column);
        const node = slot.texts[column + 1]!;
        node.data = text;
        // A value that may be cut ("19…") shows whole on hover.
        const cell = node.parentElement!;
        if (this._columns.mayCut(column, text.length)) {
          cell.title = text;
        } else if (cell.title) {
          cell.removeAttribute("title");
        }
      }
    }
  }

  /**
   * Scrolling by a few rows keeps the rows still in view in their elements: the elements of rows
   * scrolled out move to the other end, to be filled with the rows scrolled in. Only new text is
   * laid out, and the DOM stays in row order (for selection and screen readers).
   */
  private _rotatePool(first: number): void {
    const pool = this._pool;
    const delta = poolRotation(pool[0]?.row ?? -1, first, pool.length);
    if (delta > 0) {
      const moved = pool.splice(0, delta);
      this._body.append(...moved.map((slot) => slot.node));
      pool.push(...moved);
    } else if (delta < 0) {
      const moved = pool.splice(pool.length + delta, -delta);
      this._body.prepend(...moved.map((slot) => slot.node));
      pool.unshift(...moved);
    }
  }

  private _onRowsAdded(model: ArrowDataModel, added: ArrowDataModel.IRowsAdded): void {
    const aligned = this._columns.numeric !== null;
    this._columns.fit(model, added.start, added.start + added.count);
    if (!aligned && this._columns.numeric) {
      this._buildHeader();
      this._rebuildPool();
    }
    this._update();
  }

  private _onScroll(): void {
    const scrollTop = this.node.scrollTop;
    if (scrollTop === this._scrollTop) {
      return; // sideways, or the scroll this grid made itself
    }
    this._scrollTop = scrollTop;
    const geometry = this._geometry();
    this._offset = offsetOfScroll(geometry, scrollTop);
    this._render(geometry);
  }

  /**
   * With a scaled scroll bar, the wheel moves the rows pixel for pixel (the browser would move the
   * bar, skipping rows). At either end the wheel is left to the page, which then scrolls.
   */
  private _onWheel(event: WheelEvent): void {
    if (event.ctrlKey || event.deltaY === 0) {
      return;
    }
    const geometry = this._geometry();
    if (!isScaled(geometry)) {
      return;
    }
    const offset = clampOffset(geometry, this._offset + wheelPixels(geometry, event));
    if (offset === this._offset) {
      return;
    }
    event.preventDefault();
    if (event.deltaX) {
      this.node.scrollLeft += event.deltaX;
    }
    this.scrollToOffset(offset);
  }

  private _onKeyDown(event: KeyboardEvent): void {
    if (event.altKey || event.metaKey || event.target !== this.node) {
      return;
    }
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      this.node.scrollLeft += event.key === "ArrowLeft" ? -SIDE_STEP : SIDE_STEP;
      return;
    }
    const offset = offsetAfterKey(this._geometry(), this._offset, event.key);
    if (offset === null) {
      return;
    }
    event.preventDefault();
    this.scrollToOffset(offset);
  }

  /** `grid-template-columns` for every row: the row numbers, then the columns. */
  private _applyTemplate(): void {
    const template = this._columns.template(this._model?.numRows ?? 0);
    if (template === this._template) {
      return;
    }
    this._template = template;
    this._header.style.gridTemplateColumns = template;
    for (const slot of this._pool) {
      slot.node.style.gridTemplateColumns = template;
    }
  }

  private _buildHeader(): void {
    const header = this._header;
    header.textContent = "";
    const model = this._model;
    const columns = model?.numColumns ?? 0;
    this.node.setAttribute("aria-colcount", String(columns + 1));
    const corner = Private.cell("jp-TsematicGrid-rowNumber", "columnheader", 1);
    corner.title = "Row number (from 0)";
    header.appendChild(corner);
    for (let column = 0; column < columns; column++) {
      const cell = Private.cell(
        this._columns.numeric?.[column] ? "jp-mod-numeric" : "",
        "columnheader",
        column + 2,
      );
      const name = model!.data("column-header", 0, column);
      const type = model!.fields[column]?.type;
      cell.title = type === undefined ? name : `${name}: ${String(type)}`;
      const label = document.createElement("span");
      label.className = "jp-TsematicGrid-label";
      label.textContent = name;
      const handle = document.createElement("span");
      handle.className = "jp-TsematicGrid-resizeHandle";
      handle.dataset.column = String(column);
      handle.title = "Drag to resize the column, double-click to fit its text";
      cell.append(label, handle);
      header.appendChild(cell);
    }
    this._template = "";
  }

  /** Creates the pooled rows again (the columns changed). */
  private _rebuildPool(): void {
    this._body.textContent = "";
    this._pool = [];
    this._template = "";
    this._ensurePool();
  }

  /** Enough pooled rows for the viewport (a taller viewport adds some; none are removed). */
  private _ensurePool(): void {
    const model = this._model;
    if (!model) {
      return;
    }
    const wanted = poolSize(this._geometry());
    while (this._pool.length < wanted) {
      const node = Private.div("jp-TsematicGrid-row", "row");
      node.style.height = `${this._rowHeight}px`;
      node.style.lineHeight = `${this._rowHeight - 1}px`;
      node.style.display = "none";
      if (this._template) {
        node.style.gridTemplateColumns = this._template;
      }
      const texts: Text[] = [];
      const rowNumber = Private.cell("jp-TsematicGrid-rowNumber", "rowheader", 1);
      texts.push(rowNumber.appendChild(document.createTextNode("")));
      node.appendChild(rowNumber);
      for (let column = 0; column < model.numColumns; column++) {
        const cell = Private.cell(
          this._columns.numeric?.[column] ? "jp-mod-numeric" : "",
          "gridcell",
          column + 2,
        );
        texts.push(cell.appendChild(document.createTextNode("")));
        node.appendChild(cell);
      }
      this._body.appendChild(node);
      this._pool.push({ node, texts, row: -1 });
    }
  }

  private _onPointerDown(event: PointerEvent): void {
    const handle = event.target as HTMLElement;
    if (event.button !== 0 || !handle.classList?.contains("jp-TsematicGrid-resizeHandle")) {
      return;
    }
    event.preventDefault();
    const column = Number(handle.dataset.column);
    const width = handle.parentElement?.getBoundingClientRect().width ?? 0;
    this._resizing = { column, startX: event.clientX, startWidth: width, handle };
    handle.setPointerCapture(event.pointerId);
    handle.addEventListener("pointermove", this);
    handle.addEventListener("pointerup", this);
    handle.addEventListener("pointercancel", this);
    this.addClass("jp-mod-resizing");
  }

  private _onPointerMove(event: PointerEvent): void {
    const resizing = this._resizing;
    if (!resizing) {
      return;
    }
    this._columns.drag(resizing.column, resizing.startWidth + event.clientX - resizing.startX);
    this._applyTemplate();
  }

  private _endResize(): void {
    const resizing = this._resizing;
    if (!resizing) {
      return;
    }
    this._resizing = null;
    resizing.handle.removeEventListener("pointermove", this);
    resizing.handle.removeEventListener("pointerup", this);
    resizing.handle.removeEventListener("pointercancel", this);
    this.removeClass("jp-mod-resizing");
  }

  /** A double-click on a column's handle fits the column to its text again. */
  private _onDoubleClick(event: MouseEvent): void {
    const handle = event.target as HTMLElement;
    if (!handle.classList?.contains("jp-TsematicGrid-resizeHandle")) {
      return;
    }
    this._columns.undrag(Number(handle.dataset.column));
    this._applyTemplate();
  }

  private readonly _rowHeight: number;
  private readonly _headerHeight: number;
  private readonly _sizer: HTMLDivElement;
  private readonly _pane: HTMLDivElement;
  private readonly _header: HTMLDivElement;
  private readonly _body: HTMLDivElement;
  private readonly _resizeObserver: ResizeObserver;
  private readonly _columns = new ColumnLayout();
  private _model: ArrowDataModel | null = null;
  private _pool: Private.IRowSlot[] = [];
  private _template = "";
  private _clientHeight = 0;
  private _viewportHeight = 0;
  private _sizerHeight = -1;
  /** The content offset shown, in pixels. */
  private _offset = 0;
  /** The scroll bar position this grid last set or saw. */
  private _scrollTop = 0;
  private _shift = 0;
  private _first = 0;
  private _count = 0;
  private _resizing: {
    column: number;
    startX: number;
    startWidth: number;
    handle: HTMLElement;
  } | null = null;
}

export namespace TableGrid {
  export interface IOptions {
    /** Height of a row in CSS pixels (22). */
    rowHeight?: number;
    /** Height of the header row in CSS pixels (24). */
    headerHeight?: number;
    /** The grid's accessible name. */
    label?: string;
  }
}

namespace Private {
  /** A pooled row element, the text nodes of its cells and the row it shows (-1: none). */
  export interface IRowSlot {
    readonly node: HTMLDivElement;
    readonly texts: Text[];
    row: number;
  }

  export function div(className: string, role: string): HTMLDivElement {
    const node = document.createElement("div");
    node.className = className;
    node.setAttribute("role", role);
    return node;
  }

  export function cell(modifier: string, role: string, column: number): HTMLDivElement {
    const node = div(modifier ? `jp-TsematicGrid-cell ${modifier}` : "jp-TsematicGrid-cell", role);
    node.setAttribute("aria-colindex", String(column));
    return node;
  }
}
