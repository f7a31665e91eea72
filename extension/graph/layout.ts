/**
 * Layout of a run graph: what is visible (collapsed groups hide their runs), and where each box
 * goes. Two layouts of the same visible graph:
 * - {@link quickLayout}: layered by longest path, rows wrapped, linear time; drawn first so that a
 *   graph of thousands of runs appears at once;
 * - {@link elkLayout}: elkjs's layered algorithm (crossing minimization, compound nodes), computed
 *   in a Web Worker ({@link sharedElk}, elk.ts), and swapped in when it is done.
 */
import type { ELK, ElkNode } from "elkjs/lib/elk-api";

import {
  componentShape,
  connectedComponents,
  type IPacking,
  type ISize,
  packRows,
  rowWidthFor,
} from "./components";
import { FOLD_ABOVE, foldsOf, type IFold } from "./fold";
import type { FlowKind, RunGraphData } from "./model";

/** Sizes, in CSS pixels. */
export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 30;
/** A closed fold's box: two lines (the step and its count, the state breakdown). */
export const FOLD_WIDTH = 240;
export const FOLD_HEIGHT = 44;
const GAP_X = 16;
const GAP_Y = 36;
const PAD = 10;
const HEADER = 26;
const MAX_ROW_WIDTH = 1400;

/**
 * Visible graphs up to this many boxes are laid out by elkjs as one problem, larger ones a
 * component at a time ({@link elkLayout}).
 */
export const ELK_WHOLE_UP_TO = 150;

/**
 * An edge as drawn between visible runs: `data` (a future or reference flow: solid), `parent` (via
 * the parent: dashed), `awaited` (the parent `to` awaited its child `from`: a marker on the child,
 * not laid out as an edge).
 */
export interface IDrawnEdge {
  readonly from: string;
  readonly to: string;
  readonly style: "data" | "parent" | "awaited";
}

/** How a flow of `kind` is drawn. */
export function edgeStyle(kind: FlowKind): IDrawnEdge["style"] {
  return kind === "parent" ? "parent" : kind === "awaited" ? "awaited" : "data";
}

/** A box placed by a layout, in absolute coordinates. */
export interface IPlacedBox {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /**
   * `group`: an expanded run or open fold with visible children; `collapsed`: a run hiding its
   * children; `fold`: a closed fold (many calls of one step, one box).
   */
  readonly kind: "leaf" | "group" | "collapsed" | "fold";
}

export interface ILayout {
  readonly boxes: ReadonlyMap<string, IPlacedBox>;
  readonly edges: readonly IDrawnEdge[];
  readonly width: number;
  readonly height: number;
  /** `quick` or `elk`. */
  readonly engine: string;
}

/** The visible part of a graph, given which groups are collapsed and which folds are open. */
export interface IVisibleGraph {
  readonly graph: RunGraphData;
  /**
   * Visible children of each expanded group (a run, or an open fold), and the tops under the key
   * "". A fold stands among its parent's children where its first member would be.
   */
  readonly children: ReadonlyMap<string, readonly string[]>;
  /** The visible parent of each visible box ("" for the tops). */
  readonly parents: ReadonlyMap<string, string>;
  readonly collapsed: ReadonlySet<string>;
  /** The visible folds (closed: one box; open: a group of its shown members), by fold id. */
  readonly folds: ReadonlyMap<string, IFold>;
  /** Flows lifted to visible boxes, one per pair and style. */
  readonly edges: readonly IDrawnEdge[];
  readonly size: number;
}

/** Which folds are open, and how many of their members each shows. */
export interface IFolding {
  /** Open folds by fold id: how many members are shown (the first ones, in order). */
  readonly shown?: ReadonlyMap<string, number>;
  /** Calls of one step under one parent beyond this many are folded (default {@link FOLD_ABOVE}). */
  readonly above?: number;
}

/**
 * Which boxes are visible: the tops, and the children of every visible, expanded group; members of
 * a uniform fan-out (fold.ts) are one fold box unless the fold is open, then only its shown page.
 * Edges to hidden runs end at the box that hides them (a collapsed group, a fold). Linear in the
 * graph's runs and edges; the visible part is what gets laid out.
 */
export function visibleGraph(
  graph: RunGraphData,
  collapsed: ReadonlySet<string>,
  folding: IFolding = {},
): IVisibleGraph {
  const index = foldsOf(graph, folding.above ?? FOLD_ABOVE);
  const shown = folding.shown ?? new Map<string, number>();
  const children = new Map<string, string[]>();
  const parents = new Map<string, string>();
  const folds = new Map<string, IFold>();
  const visible = new Set<string>();
  const walk = (parent: string, ids: readonly string[]): void => {
    const list: string[] = [];
    children.set(parent, list);
    for (const id of ids) {
      const fold = parent === "" ? undefined : index.ofMember.get(id);
      if (fold !== undefined && fold.id !== parent) {
        if (!folds.has(fold.id)) {
          folds.set(fold.id, fold);
          list.push(fold.id);
          visible.add(fold.id);
          parents.set(fold.id, parent);
          const page = shown.get(fold.id);
          if (page !== undefined) {
            walk(fold.id, fold.members.slice(0, Math.max(1, page)));
          }
        }
        continue;
      }
      list.push(id);
      visible.add(id);
      parents.set(id, parent);
      const kids = graph.children.get(id);
      if (kids && !collapsed.has(id)) {
        walk(id, kids);
      }
    }
  };
  walk("", graph.tops);
  const representative = (id: string): string => {
    let cursor: string | null = id;
    while (cursor !== null && !visible.has(cursor)) {
      const fold = index.ofMember.get(cursor);
      if (fold !== undefined && visible.has(fold.id)) {
        return fold.id;
      }
      cursor = graph.runs.get(cursor)?.parentId ?? null;
    }
    return cursor ?? id;
  };
  const seen = new Set<string>();
  const edges: IDrawnEdge[] = [];
  for (const edge of graph.edges) {
    const style = edgeStyle(edge.kind);
    const from = representative(edge.from);
    const to = representative(edge.to);
    // An awaited child hidden in a collapsed group or a fold: nothing to mark.
    if (style === "awaited" && from !== edge.from) {
      continue;
    }
    const key = `${from}>${to}:${style}`;
    if (from !== to && !seen.has(key)) {
      seen.add(key);
      edges.push({ from, to, style });
    }
  }
  return { graph, children, parents, collapsed, folds, edges, size: visible.size };
}

/**
 * Edges between siblings, by their group ("" for the tops): each drawn edge lifted to the sibling
 * ancestors of its ends (an edge into a group orders the group among its siblings). Awaited
 * markers are left out: they do not order anything.
 */
export function siblingEdgesOf(view: IVisibleGraph): Map<string, IDrawnEdge[]> {
  const parentOf = (id: string): string => view.parents.get(id) ?? "";
  const siblingEdges = new Map<string, IDrawnEdge[]>();
  for (const edge of view.edges) {
    // A child's marker, not an edge between siblings.
    if (edge.style === "awaited") {
      continue;
    }
    const ancestorsOfTo = new Map<string, string>();
    let child = edge.to;
    let parent = parentOf(child);
    for (let i = 0; i < 10_000; i++) {
      ancestorsOfTo.set(parent, child);
      if (parent === "") {
        break;
      }
      child = parent;
      parent = parentOf(child);
    }
    child = edge.from;
    parent = parentOf(child);
    for (let i = 0; i < 10_000; i++) {
      const other = ancestorsOfTo.get(parent);
      if (other !== undefined) {
        if (other !== child) {
          let list = siblingEdges.get(parent);
          if (!list) {
            siblingEdges.set(parent, (list = []));
          }
          list.push({ from: child, to: other, style: edge.style });
        }
        break;
      }
      if (parent === "") {
        break;
      }
      child = parent;
      parent = parentOf(child);
    }
  }
  return siblingEdges;
}

/** Layered by longest path among siblings, each layer wrapped into rows: O(runs + edges). */
export function quickLayout(view: IVisibleGraph): ILayout {
  const sizes = new Map<string, { width: number; height: number }>();
  const relative = new Map<string, { x: number; y: number }>();
  const siblingEdges = siblingEdgesOf(view);

  const place = (group: string): { width: number; height: number } => {
    const ids = view.children.get(group) ?? [];
    for (const id of ids) {
      sizes.set(id, view.children.has(id) ? place(id) : Private.size(view, id));
    }
    const layer = Private.layers(ids, siblingEdges.get(group) ?? []);
    const byLayer = new Map<number, string[]>();
    for (const id of ids) {
      const index = layer.get(id) ?? 0;
      let list = byLayer.get(index);
      if (!list) {
        byLayer.set(index, (list = []));
      }
      list.push(id);
    }
    let y = group === "" ? 0 : HEADER + PAD;
    let width = 0;
    for (const index of [...byLayer.keys()].sort((a, b) => a - b)) {
      let x = group === "" ? 0 : PAD;
      let rowHeight = 0;
      for (const id of byLayer.get(index) ?? []) {
        const size = sizes.get(id) as { width: number; height: number };
        if (x > PAD && x + size.width > MAX_ROW_WIDTH) {
          x = group === "" ? 0 : PAD;
          y += rowHeight + GAP_X;
          rowHeight = 0;
        }
        relative.set(id, { x, y });
        x += size.width + GAP_X;
        rowHeight = Math.max(rowHeight, size.height);
        width = Math.max(width, x - GAP_X);
      }
      y += rowHeight + GAP_Y;
    }
    if (group === "") {
      return { width, height: y - GAP_Y };
    }
    return { width: Math.max(width + PAD, NODE_WIDTH + 2 * PAD), height: y - GAP_Y + PAD };
  };
  const total = place("");

  const boxes = new Map<string, IPlacedBox>();
  const absolute = (group: string, ox: number, oy: number): void => {
    for (const id of view.children.get(group) ?? []) {
      const at = relative.get(id) as { x: number; y: number };
      const size = sizes.get(id) as { width: number; height: number };
      boxes.set(id, { id, x: ox + at.x, y: oy + at.y, ...size, kind: Private.kind(view, id) });
      absolute(id, ox + at.x, oy + at.y);
    }
  };
  absolute("", 0, 0);
  return { boxes, edges: view.edges, width: total.width, height: total.height, engine: "quick" };
}

/**
 * elkjs's layered layout of the visible graph. Up to {@link ELK_WHOLE_UP_TO} boxes, the whole
 * hierarchy is one elkjs problem (compound nodes, crossings minimized across groups). Larger
 * graphs are laid out group by group from the innermost, as one problem they took elkjs seconds
 * per thousand boxes: each group's children are split into connected components (components.ts), elkjs lays out each distinct
 * component shape once (a flat graph, the child groups as boxes of their laid-out size), and the
 * components are packed in rows. Edges that cross groups order the groups that hold their ends,
 * as in the quick layout. An open fold is one box to its parent, its members placed inside it in
 * wrapped rows as the quick layout places them: members of a fan-out share a layer, and elkjs
 * would draw a page of them as one row thousands of pixels wide.
 *
 * @example
 * ```ts
 * const layout = await elkLayout(visibleGraph(graph, collapsed), await sharedElk());
 * layout.boxes.get(runId); // { x, y, width, height, kind }
 * ```
 */
export async function elkLayout(view: IVisibleGraph, elk: ELK): Promise<ILayout> {
  if (view.size <= ELK_WHOLE_UP_TO) {
    return Private.elkWhole(view, elk);
  }
  const openFolds = [...view.folds.keys()].filter((id) => view.children.has(id));
  const grid = openFolds.length > 0 ? quickLayout(view) : null;
  const links = siblingEdgesOf(view);
  const sizes = new Map<string, ISize>();
  const relative = new Map<string, { x: number; y: number }>();
  // One elkjs layout per component shape, for the whole graph: positions by member index.
  const shapes = new Map<string, Promise<IPacking>>();
  const layOut = (members: readonly string[], edges: readonly IDrawnEdge[]): Promise<IPacking> => {
    if (members.length === 1) {
      const size = sizes.get(members[0] as string) as ISize;
      return Promise.resolve({ at: [{ x: 0, y: 0 }], ...size });
    }
    const shape = componentShape(members, sizes, edges);
    let packing = shapes.get(shape);
    if (packing === undefined) {
      packing = Private.elkComponent(elk, shape, members, sizes);
      shapes.set(shape, packing);
    }
    return packing;
  };
  const place = async (group: string): Promise<ISize> => {
    const ids = view.children.get(group) ?? [];
    for (const id of ids) {
      const fold = grid !== null && view.folds.has(id) ? grid.boxes.get(id) : undefined;
      if (fold !== undefined && view.children.has(id)) {
        sizes.set(id, { width: fold.width, height: fold.height });
      } else {
        sizes.set(id, view.children.has(id) ? await place(id) : Private.size(view, id));
      }
    }
    const edges = links.get(group) ?? [];
    const components = connectedComponents(ids, edges);
    // Each component's own edges: its shape is read from them (all of the group's, for each of
    // 1,000 components, was quadratic).
    const componentOf = new Map<string, number>();
    components.forEach((members, c) => members.forEach((id) => componentOf.set(id, c)));
    const edgesOf = components.map((): IDrawnEdge[] => []);
    for (const edge of edges) {
      const c = componentOf.get(edge.from);
      if (c !== undefined && c === componentOf.get(edge.to)) {
        edgesOf[c]?.push(edge);
      }
    }
    const laidOut = await Promise.all(
      components.map((members, c) => layOut(members, edgesOf[c] ?? [])),
    );
    const packed = packRows(laidOut, rowWidthFor(laidOut, MAX_ROW_WIDTH), GAP_X, GAP_Y);
    const inset = group === "" ? { x: 0, y: 0 } : { x: PAD, y: HEADER + PAD };
    components.forEach((members, c) => {
      const origin = packed.at[c] as { x: number; y: number };
      const at = (laidOut[c] as IPacking).at;
      members.forEach((id, i) => {
        const local = at[i] as { x: number; y: number };
        relative.set(id, { x: inset.x + origin.x + local.x, y: inset.y + origin.y + local.y });
      });
    });
    if (group === "") {
      return { width: packed.width, height: packed.height };
    }
    return {
      width: Math.max(packed.width + 2 * PAD, NODE_WIDTH + 2 * PAD),
      height: HEADER + PAD + packed.height + PAD,
    };
  };
  const total = await place("");
  const boxes = new Map<string, IPlacedBox>();
  const absolute = (group: string, ox: number, oy: number): void => {
    for (const id of view.children.get(group) ?? []) {
      const at = relative.get(id);
      const size = sizes.get(id);
      if (at === undefined || size === undefined) {
        continue; // inside an open fold: placed below
      }
      const box = { id, x: ox + at.x, y: oy + at.y, ...size, kind: Private.kind(view, id) };
      boxes.set(id, box);
      absolute(id, box.x, box.y);
    }
  };
  absolute("", 0, 0);
  // An open fold's members: where the quick layout put them, relative to the fold.
  if (grid !== null) {
    for (const fold of openFolds) {
      const at = boxes.get(fold);
      const quickFold = grid.boxes.get(fold);
      if (at === undefined || quickFold === undefined) {
        continue;
      }
      const stack = [...(view.children.get(fold) ?? [])];
      while (stack.length > 0) {
        const id = stack.pop() as string;
        const quick = grid.boxes.get(id);
        if (quick !== undefined) {
          boxes.set(id, {
            ...quick,
            x: at.x + quick.x - quickFold.x,
            y: at.y + quick.y - quickFold.y,
          });
        }
        stack.push(...(view.children.get(id) ?? []));
      }
    }
  }
  return { boxes, edges: view.edges, width: total.width, height: total.height, engine: "elk" };
}

namespace Private {
  /**
   * elkjs's layout of the whole visible hierarchy as one problem (compound nodes, crossing
   * minimization across groups): the better drawing, affordable for small graphs only.
   */
  export async function elkWhole(view: IVisibleGraph, elk: ELK): Promise<ILayout> {
    const openFolds = [...view.folds.keys()].filter((id) => view.children.has(id));
    const grid = openFolds.length > 0 ? quickLayout(view) : null;
    // Boxes inside an open fold, by the outermost open fold holding them.
    const insideFold = new Map<string, string>();
    for (const fold of openFolds) {
      if (insideFold.has(fold)) {
        continue;
      }
      const stack = [...(view.children.get(fold) ?? [])];
      while (stack.length > 0) {
        const id = stack.pop() as string;
        insideFold.set(id, fold);
        stack.push(...(view.children.get(id) ?? []));
      }
    }
    const toElk = (id: string): ElkNode => {
      const kids = view.children.get(id);
      if (grid !== null && view.folds.has(id) && kids) {
        const box = grid.boxes.get(id) as IPlacedBox;
        return { id, width: box.width, height: box.height };
      }
      if (!kids) {
        return { id, ...size(view, id) };
      }
      return {
        id,
        layoutOptions: {
          "elk.padding": `[top=${HEADER + PAD},left=${PAD},bottom=${PAD},right=${PAD}]`,
        },
        children: kids.map(toElk),
      };
    };
    // Edges to boxes inside an open fold order the fold; edges within it, nothing.
    const laidOut = (id: string): string => insideFold.get(id) ?? id;
    const elkEdges = new Map<string, { from: string; to: string }>();
    for (const edge of view.edges) {
      // Awaited markers sit on the child: they do not order the layers.
      if (edge.style === "awaited") {
        continue;
      }
      const from = laidOut(edge.from);
      const to = laidOut(edge.to);
      if (from !== to) {
        elkEdges.set(`${from}>${to}`, { from, to });
      }
    }
    const root: ElkNode = {
      id: "__root__",
      layoutOptions: {
        "elk.algorithm": "layered",
        "elk.direction": "DOWN",
        "elk.hierarchyHandling": "INCLUDE_CHILDREN",
        "elk.layered.nodePlacement.strategy": "SIMPLE",
        "elk.layered.thoroughness": "2",
        "elk.spacing.nodeNode": String(GAP_X),
        "elk.layered.spacing.nodeNodeBetweenLayers": String(GAP_Y),
      },
      children: (view.children.get("") ?? []).map(toElk),
      edges: [...elkEdges.values()].map((e, i) => ({
        id: `e${i}`,
        sources: [e.from],
        targets: [e.to],
      })),
    };
    const result = await elk.layout(root);
    const boxes = new Map<string, IPlacedBox>();
    const collect = (node: ElkNode, ox: number, oy: number): void => {
      for (const child of node.children ?? []) {
        const x = ox + (child.x ?? 0);
        const y = oy + (child.y ?? 0);
        boxes.set(child.id, {
          id: child.id,
          x,
          y,
          width: child.width ?? NODE_WIDTH,
          height: child.height ?? NODE_HEIGHT,
          kind: kind(view, child.id),
        });
        collect(child, x, y);
      }
    };
    collect(result, 0, 0);
    // An open fold's members: where the quick layout put them, relative to the fold.
    if (grid !== null) {
      for (const [id, fold] of insideFold) {
        const at = boxes.get(fold);
        const quick = grid.boxes.get(id);
        const quickFold = grid.boxes.get(fold);
        if (at && quick && quickFold) {
          boxes.set(id, {
            ...quick,
            x: at.x + quick.x - quickFold.x,
            y: at.y + quick.y - quickFold.y,
          });
        }
      }
    }
    return {
      boxes,
      edges: view.edges,
      width: result.width ?? 0,
      height: result.height ?? 0,
      engine: "elk",
    };
  }

  /** elkjs's options for one component: layered, downward, no padding (the packing spaces them). */
  const COMPONENT_OPTIONS = {
    "elk.algorithm": "layered",
    "elk.direction": "DOWN",
    "elk.padding": "[top=0,left=0,bottom=0,right=0]",
    "elk.layered.nodePlacement.strategy": "SIMPLE",
    "elk.layered.thoroughness": "2",
    "elk.spacing.nodeNode": String(GAP_X),
    "elk.layered.spacing.nodeNodeBetweenLayers": String(GAP_Y),
  };

  /**
   * elkjs's layout of one component, given by its shape's key (componentShape): boxes `n0…` in
   * member order, edges by position. Positions by member index.
   */
  export async function elkComponent(
    elk: ELK,
    shape: string,
    members: readonly string[],
    sizes: ReadonlyMap<string, ISize>,
  ): Promise<IPacking> {
    const [, pairs = ""] = shape.split("|");
    const root: ElkNode = {
      id: "component",
      layoutOptions: COMPONENT_OPTIONS,
      children: members.map((id, i) => ({ id: `n${i}`, ...(sizes.get(id) as ISize) })),
      edges: (pairs === "" ? [] : pairs.split(",")).map((pair, i) => {
        const [from, to] = pair.split(">");
        return { id: `e${i}`, sources: [`n${from}`], targets: [`n${to}`] };
      }),
    };
    const result = await elk.layout(root);
    const at = new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
    return {
      at: members.map((_, i) => at.get(`n${i}`) ?? { x: 0, y: 0 }),
      width: result.width ?? 0,
      height: result.height ?? 0,
    };
  }

  export function kind(view: IVisibleGraph, id: string): IPlacedBox["kind"] {
    if (view.children.has(id)) {
      return "group";
    }
    if (view.folds.has(id)) {
      return "fold";
    }
    return view.graph.children.has(id) ? "collapsed" : "leaf";
  }

  /** The size of a box without visible children. */
  export function size(view: IVisibleGraph, id: string): { width: number; height: number } {
    return view.folds.has(id)
      ? { width: FOLD_WIDTH, height: FOLD_HEIGHT }
      : { width: NODE_WIDTH, height: NODE_HEIGHT };
  }

  /** Longest-path layers (Kahn's order); runs on a cycle go after the rest. */
  export function layers(
    ids: readonly string[],
    edges: readonly IDrawnEdge[],
  ): Map<string, number> {
    const inDegree = new Map<string, number>(ids.map((id) => [id, 0]));
    const out = new Map<string, string[]>();
    for (const edge of edges) {
      if (!inDegree.has(edge.from) || !inDegree.has(edge.to)) {
        continue;
      }
      inDegree.set(edge.to, (inDegree.get(edge.to) ?? 0) + 1);
      let list = out.get(edge.from);
      if (!list) {
        out.set(edge.from, (list = []));
      }
      list.push(edge.to);
    }
    const layer = new Map<string, number>();
    const queue = ids.filter((id) => inDegree.get(id) === 0);
    for (const id of queue) {
      layer.set(id, 0);
    }
    for (let head = 0; head < queue.length; head++) {
      const id = queue[head] as string;
      for (const next of out.get(id) ?? []) {
        layer.set(next, Math.max(layer.get(next) ?? 0, (layer.get(id) ?? 0) + 1));
        const remaining = (inDegree.get(next) ?? 0) - 1;
        inDegree.set(next, remaining);
        if (remaining === 0) {
          queue.push(next);
        }
      }
    }
    const last = Math.max(0, ...layer.values()) + 1;
    for (const id of ids) {
      if (!layer.has(id)) {
        layer.set(id, last);
      }
    }
    return layer;
  }
}
