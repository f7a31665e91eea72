/**
 * Layouts already computed by elkjs, by the shape of what they lay out, for the page: a graph shown
 * again (the same run in a notebook output and in the side panel, a notebook reopened, a group
 * collapsed and expanded again, a state-only update to a new graph object) is drawn with its elkjs
 * layout at once, without seconds of worker time and without the switch from the quick layout.
 *
 * @example
 * ```ts
 * const key = layoutKey(view);
 * const layout = sharedLayouts.get(key) ?? (await elkLayout(view, elk));
 * sharedLayouts.set(key, layout);
 * ```
 */
import type { ILayout, IVisibleGraph } from "./layout";

/**
 * What a layout depends on: the runs, their nesting and the data edges (the graph's shape key), and
 * which of the visible groups are collapsed. Run states and names are not part of it.
 */
export function layoutKey(view: IVisibleGraph): string {
  const collapsed = [...view.collapsed].filter((id) => view.graph.runs.has(id)).sort();
  return `${collapsed.join(",")}#${view.graph.shapeKey}`;
}

/** A small map of layouts by key that forgets the least recently used one beyond its capacity. */
export class LayoutCache {
  constructor(readonly capacity: number) {}

  /** The layout stored for `key`, now the most recently used. */
  get(key: string): ILayout | undefined {
    const layout = this._layouts.get(key);
    if (layout !== undefined) {
      this._layouts.delete(key);
      this._layouts.set(key, layout);
    }
    return layout;
  }

  set(key: string, layout: ILayout): void {
    this._layouts.delete(key);
    this._layouts.set(key, layout);
    while (this._layouts.size > this.capacity) {
      const oldest = this._layouts.keys().next().value as string;
      this._layouts.delete(oldest);
    }
  }

  get size(): number {
    return this._layouts.size;
  }

  // A Map iterates in insertion order: the first key is the least recently used.
  private readonly _layouts = new Map<string, ILayout>();
}

/** The page's elkjs layouts (a 1,000-run layout is a few hundred kilobytes). */
export const sharedLayouts = new LayoutCache(16);
