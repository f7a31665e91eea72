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
 * What a layout depends on: the visible boxes, their nesting and the drawn edges (which groups are
 * collapsed, which folds are open and how many members they show), and which boxes hide runs.
 * Run states and names are not part of it, and neither are runs hidden in a collapsed group or a
 * closed fold: a live fan-out that grows inside a closed fold keeps its layout. Linear in the
 * visible part.
 */
export function layoutKey(view: IVisibleGraph): string {
  const groups: string[] = [];
  for (const [parent, kids] of view.children) {
    const marked = kids.map((id) => (view.graph.children.has(id) ? `${id}+` : id));
    groups.push(`${parent}:${marked.sort().join(",")}`);
  }
  const edges = view.edges.map((e) => `${e.from}>${e.to}:${e.style}`).sort();
  return `${groups.sort().join(";")}|${edges.join(",")}`;
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
