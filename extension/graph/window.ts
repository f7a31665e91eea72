/**
 * What part of a large layout is drawn: the boxes in view and a margin around it, not all of them.
 * A 10,000-box drawing cost most of a second to parse, and every later style and layout pass of
 * the page (a notebook focusing its cell) paid for all of its boxes again; at the zoom that fits
 * such a graph only a few hundred are on screen. Panning or zooming past the margin draws the
 * window again around the new view.
 *
 * @example
 * ```ts
 * const view = visibleRect({ width: 800, height: 400 }, { tx: 12, ty: 12, scale: 0.5 });
 * const drawn = drawnWindow(view); // the view and half of it again on each side
 * intersects(box, drawn); // draw this box?
 * contains(drawn, visibleRect(size, next)); // still enough after a pan?
 * ```
 */

/** Layouts with more boxes than this are drawn a window at a time. */
export const WINDOW_ABOVE = 2_000;

/** A rectangle in layout coordinates (CSS pixels at zoom 1). */
export interface IRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The pan and zoom of a drawing: screen = layout × scale + (tx, ty). */
export interface ITransform {
  readonly tx: number;
  readonly ty: number;
  readonly scale: number;
}

/** The part of the layout a viewport of `size` shows under `transform`. */
export function visibleRect(
  size: { readonly width: number; readonly height: number },
  transform: ITransform,
): IRect {
  return {
    x: -transform.tx / transform.scale,
    y: -transform.ty / transform.scale,
    width: size.width / transform.scale,
    height: size.height / transform.scale,
  };
}

/** The view grown by `margin` times its size on each side: what is drawn for it. */
export function drawnWindow(view: IRect, margin = 0.5): IRect {
  return {
    x: view.x - view.width * margin,
    y: view.y - view.height * margin,
    width: view.width * (1 + 2 * margin),
    height: view.height * (1 + 2 * margin),
  };
}

/** Whether `inner` lies within `outer`. */
export function contains(outer: IRect, inner: IRect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** Whether two rectangles overlap (touching edges do not). */
export function intersects(a: IRect, b: IRect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
