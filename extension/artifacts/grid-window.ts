/**
 * The arithmetic of a virtualized grid with fixed-height rows: which rows a scroll position shows,
 * and how a table taller than any browser lets an element be maps onto a scroll bar that is not.
 *
 * The grid keeps its position as an *offset* in content pixels (row × row height). The scrolling
 * element holds a spacer no taller than {@link MAX_SCROLL_HEIGHT}; when the content is taller, the
 * scroll bar's position is the offset scaled down (so dragging the thumb reaches every row) while
 * wheel and keys move the offset itself, pixel for pixel, and the scroll bar follows.
 *
 * @example
 * ```ts
 * const geometry = { rowCount: 1_000_000, rowHeight: 22, viewportHeight: 276 };
 * const offset = offsetOfScroll(geometry, 2_000_000); // scroll bar halfway: offset ≈ 11,000,000
 * visibleRows(geometry, offset); // { first: 499_9xx, count: 14, shift: … }
 * ```
 */

/**
 * The tallest spacer the grid makes. Browsers stop laying out elements somewhere above 17,000,000
 * px (Firefox) or 33,000,000 px (Chromium, Safari); beyond this the scroll bar is scaled.
 */
export const MAX_SCROLL_HEIGHT = 8_000_000;

/** What the window depends on. */
export interface IGridGeometry {
  /** Rows in the table (so far). */
  readonly rowCount: number;
  /** Height of every row, in CSS pixels. */
  readonly rowHeight: number;
  /** Height the rows may fill (the scrolling element's client height without the header row). */
  readonly viewportHeight: number;
  /** The spacer's cap; {@link MAX_SCROLL_HEIGHT} unless a test says otherwise. */
  readonly maxScrollHeight?: number;
}

/** The rows to show for an offset. */
export interface IRowWindow {
  /** The first (partly) visible row. */
  readonly first: number;
  /** How many rows from `first` are (partly) visible; 0 for an empty table. */
  readonly count: number;
  /** How far the first row is scrolled out of view, in pixels (0 ≤ shift < row height). */
  readonly shift: number;
}

/** Height of all rows, unscaled. */
export function contentHeight(g: IGridGeometry): number {
  return g.rowCount * g.rowHeight;
}

/** Height of the spacer the scrolling element holds for the rows. */
export function spacerHeight(g: IGridGeometry): number {
  return Math.min(contentHeight(g), g.maxScrollHeight ?? MAX_SCROLL_HEIGHT);
}

/** The largest offset: the last row's bottom at the viewport's bottom. */
export function maxOffset(g: IGridGeometry): number {
  return Math.max(0, contentHeight(g) - g.viewportHeight);
}

/** The largest scroll position of the scrolling element. */
export function maxScroll(g: IGridGeometry): number {
  return Math.max(0, spacerHeight(g) - g.viewportHeight);
}

/** Whether the scroll bar is scaled (the offset moves faster than the scroll bar). */
export function isScaled(g: IGridGeometry): boolean {
  return maxOffset(g) > maxScroll(g);
}

/** An offset kept inside the table. */
export function clampOffset(g: IGridGeometry, offset: number): number {
  return Math.min(Math.max(0, offset), maxOffset(g));
}

/** The offset a scroll bar position stands for. */
export function offsetOfScroll(g: IGridGeometry, scrollTop: number): number {
  const scroll = maxScroll(g);
  if (!isScaled(g) || scroll === 0) {
    return clampOffset(g, scrollTop);
  }
  return clampOffset(g, (Math.min(Math.max(0, scrollTop), scroll) / scroll) * maxOffset(g));
}

/** The scroll bar position that stands for an offset. */
export function scrollOfOffset(g: IGridGeometry, offset: number): number {
  const clamped = clampOffset(g, offset);
  const most = maxOffset(g);
  if (!isScaled(g) || most === 0) {
    return clamped;
  }
  return (clamped / most) * maxScroll(g);
}

/** The rows visible at an offset. */
export function visibleRows(g: IGridGeometry, offset: number): IRowWindow {
  if (g.rowCount === 0 || g.rowHeight <= 0) {
    return { first: 0, count: 0, shift: 0 };
  }
  const clamped = clampOffset(g, offset);
  const first = Math.min(Math.floor(clamped / g.rowHeight), g.rowCount - 1);
  const shift = clamped - first * g.rowHeight;
  const count = Math.min(
    g.rowCount - first,
    Math.max(1, Math.ceil((Math.max(0, g.viewportHeight) + shift) / g.rowHeight)),
  );
  return { first, count, shift };
}

/** Row elements needed to cover the viewport at any offset. */
export function poolSize(g: Pick<IGridGeometry, "rowHeight" | "viewportHeight">): number {
  return g.rowHeight > 0 ? Math.ceil(Math.max(0, g.viewportHeight) / g.rowHeight) + 1 : 0;
}

/**
 * How to reuse a pool of row elements showing rows `shown`… (in order) for rows `first`…: a
 * positive count moves that many elements from the start to the end (scrolled down), a negative
 * one from the end to the start (scrolled up); 0 keeps the order (no move, or a jump past the
 * whole pool, where every element is filled anew anyway).
 */
export function poolRotation(shown: number, first: number, poolLength: number): number {
  const delta = first - shown;
  return shown < 0 || Math.abs(delta) >= poolLength ? 0 : delta;
}

/** A wheel event's vertical distance in pixels (`deltaMode` 0: pixels, 1: lines, 2: pages). */
export function wheelPixels(
  g: IGridGeometry,
  event: { readonly deltaY: number; readonly deltaMode: number },
): number {
  switch (event.deltaMode) {
    case 1:
      return event.deltaY * g.rowHeight;
    case 2:
      return event.deltaY * Math.max(g.rowHeight, g.viewportHeight);
    default:
      return event.deltaY;
  }
}

/**
 * The offset after a scrolling key (arrows, Page Up/Down, Home/End), or null for other keys. A page
 * keeps one row of the previous page in view.
 */
export function offsetAfterKey(g: IGridGeometry, offset: number, key: string): number | null {
  const page = Math.max(g.rowHeight, g.viewportHeight - g.rowHeight);
  switch (key) {
    case "ArrowDown":
      return clampOffset(g, offset + g.rowHeight);
    case "ArrowUp":
      return clampOffset(g, offset - g.rowHeight);
    case "PageDown":
      return clampOffset(g, offset + page);
    case "PageUp":
      return clampOffset(g, offset - page);
    case "Home":
      return 0;
    case "End":
      return maxOffset(g);
    default:
      return null;
  }
}
