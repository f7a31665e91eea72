/**
 * The pieces a group's elkjs layout is split into: its children's connected components (runs
 * linked by flows), one elkjs layout per distinct component shape, and the components packed in
 * rows. elkjs lays out the whole hierarchy as one layered problem when edges may cross groups
 * (`INCLUDE_CHILDREN`): it then neither separates components nor reuses anything, and a root of
 * 1,000 ten-step chains took seconds per thousand runs in its worker. Laid out here, the 1,000
 * chains are one elkjs layout of ten boxes, placed 1,000 times.
 *
 * @example
 * ```ts
 * const parts = connectedComponents(["a", "b", "c"], [{ from: "a", to: "b" }]); // [["a", "b"], ["c"]]
 * componentShape(parts[0], sizes, edges); // "168x30,168x30|0>1", equal for any such pair
 * packRows([{ width: 100, height: 30 }, { width: 100, height: 30 }], 150, 16, 36);
 * // { at: [{ x: 0, y: 0 }, { x: 0, y: 66 }], width: 100, height: 96 }
 * ```
 */

/** A box's size, in CSS pixels. */
export interface ISize {
  readonly width: number;
  readonly height: number;
}

/** A link between two boxes, by id (direction ignored by {@link connectedComponents}). */
export interface ILink {
  readonly from: string;
  readonly to: string;
}

/**
 * The connected components of `ids` linked by `links` (links to other ids are ignored), in the
 * order of their first member; members keep the order of `ids`. Linear (union-find).
 */
export function connectedComponents(ids: readonly string[], links: readonly ILink[]): string[][] {
  const index = new Map<string, number>(ids.map((id, i) => [id, i]));
  const parent = ids.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) {
      root = parent[root] as number;
    }
    // Path compression: later finds on this path are one step.
    for (let next = i; parent[next] !== root;) {
      const up = parent[next] as number;
      parent[next] = root;
      next = up;
    }
    return root;
  };
  for (const link of links) {
    const a = index.get(link.from);
    const b = index.get(link.to);
    if (a !== undefined && b !== undefined) {
      const ra = find(a);
      const rb = find(b);
      // The earlier member stays the root: components come out in the order of their first member.
      if (ra !== rb) {
        parent[Math.max(ra, rb)] = Math.min(ra, rb);
      }
    }
  }
  const byRoot = new Map<number, string[]>();
  ids.forEach((id, i) => {
    const root = find(i);
    let list = byRoot.get(root);
    if (!list) {
      byRoot.set(root, (list = []));
    }
    list.push(id);
  });
  return [...byRoot.values()];
}

/**
 * A key equal for two components that elkjs lays out identically: the members' sizes in order and
 * the links between members by position (repeats once). Components built alike (the chains of a
 * sweep, the calls of one step) share it, so one layout serves them all.
 */
export function componentShape(
  members: readonly string[],
  sizes: ReadonlyMap<string, ISize>,
  links: readonly ILink[],
): string {
  const position = new Map<string, number>(members.map((id, i) => [id, i]));
  const boxes = members.map((id) => {
    const size = sizes.get(id);
    return `${size?.width ?? 0}x${size?.height ?? 0}`;
  });
  const pairs = new Set<string>();
  for (const link of links) {
    const a = position.get(link.from);
    const b = position.get(link.to);
    if (a !== undefined && b !== undefined && a !== b) {
      pairs.add(`${a}>${b}`);
    }
  }
  return `${boxes.join(",")}|${[...pairs].join(",")}`;
}

/** Where {@link packRows} put each box (top left, relative), and the size of the whole. */
export interface IPacking {
  readonly at: readonly { readonly x: number; readonly y: number }[];
  readonly width: number;
  readonly height: number;
}

/**
 * Boxes placed left to right in rows no wider than `maxWidth` (a wider box has a row of its own),
 * top-aligned, rows `gapY` apart: how the components of a group sit beside each other.
 */
export function packRows(
  sizes: readonly ISize[],
  maxWidth: number,
  gapX: number,
  gapY: number,
): IPacking {
  const at: { x: number; y: number }[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const size of sizes) {
    if (x > 0 && x + size.width > maxWidth) {
      x = 0;
      y += rowHeight + gapY;
      rowHeight = 0;
    }
    at.push({ x, y });
    width = Math.max(width, x + size.width);
    x += size.width + gapX;
    rowHeight = Math.max(rowHeight, size.height);
  }
  return { at, width, height: sizes.length === 0 ? 0 : y + rowHeight };
}

/**
 * The row width that packs boxes of these sizes into a drawing about `aspectRatio` times as wide
 * as tall (elkjs's own default for components is 1.6), never narrower than `minWidth` or the
 * widest box.
 */
export function rowWidthFor(sizes: readonly ISize[], minWidth: number, aspectRatio = 1.6): number {
  let area = 0;
  let widest = 0;
  for (const size of sizes) {
    area += size.width * size.height;
    widest = Math.max(widest, size.width);
  }
  return Math.max(minWidth, widest, Math.sqrt(area * aspectRatio));
}
