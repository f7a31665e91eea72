/**
 * The run graph widget: runs as boxes (nested runs inside their parent's box, collapsible), data
 * edges as curves, states as `jp-mod-<state>` classes, pan (drag) and zoom (wheel). Clicking a run
 * executes `tsematic:open-step` with `{ runId, rootId }`.
 *
 * Flows: future and reference flows as solid arrows, flows via the parent dashed
 * (`jp-mod-parent`), and a parent's await of a child as a short dotted arrow on the child
 * (`jp-RunGraph-awaited`).
 *
 * Large graphs, and any graph while elkjs is still starting, appear at once with the linear-time
 * layout and are re-laid out by elkjs in the background: the elkjs drawing replaces the quick one
 * in one synchronous swap (then fades in), so no moment shows two boxes of a run; elkjs layouts
 * are kept by shape (cache.ts), so a graph shown again gets its elkjs layout at once. A state
 * change only swaps classes, it never lays out again.
 *
 * Uniform fan-outs (more than {@link FOLD_ABOVE} calls of one step under one parent) are drawn
 * folded: one box with the step's name, the count and the state breakdown. A click (or Enter on
 * the focused box) opens it to show its members, {@link FOLD_PAGE} at a time ("show more"); its
 * toggle folds it again. Edges to folded members end at the fold. Only the visible boxes are laid
 * out, so a 10,000-step fan-out is laid out as a handful of boxes.
 *
 * Drawing cost, for a first paint within a few hundred milliseconds at 1,000 runs: the boxes are
 * one markup string; the zoom is a CSS transform of the `<svg>` (no layout when it changes), set
 * before the boxes enter the DOM so they are laid out once; below {@link LABELS_FROM_SCALE} the
 * labels are not displayed (text layout is most of the cost, and they would be unreadable). A
 * layout of more than {@link WINDOW_ABOVE} boxes is drawn a window at a time (window.ts): the
 * boxes in view and a margin, drawn again when a pan or zoom passes it.
 *
 * Live updates that change states only (RunGraphData.withChanges shares the nesting and edges)
 * keep the visible part and swap classes and fold counts: no walk over every run.
 *
 * @example
 * ```ts
 * const view = new RunGraph({ commands: app.commands });
 * view.setGraph(RunGraphData.fromBundle(bundle));
 * ```
 */
import type { CommandRegistry } from "@lumino/commands";
import type { ReadonlyPartialJSONObject } from "@lumino/coreutils";
import type { Message } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";

import { layoutKey, sharedLayouts } from "./cache";
import { elkReady, sharedElk } from "./elk";
import { breakdownText, FOLD_PAGE, foldState, type IFold, stateBreakdown } from "./fold";
import {
  elkLayout,
  type ILayout,
  type IPlacedBox,
  type IVisibleGraph,
  quickLayout,
  visibleGraph,
} from "./layout";
import { type IGraphRun, type RunGraphData, runTooltip } from "./model";
import {
  contains,
  drawnWindow,
  intersects,
  type IRect,
  type ITransform,
  visibleRect,
  WINDOW_ABOVE,
} from "./window";

/** The command a click on a run executes (the step panel implements it). */
export const OPEN_STEP_COMMAND = "tsematic:open-step";

/**
 * The command a context menu on a run executes first, with `{ runId, rootId }`, so the menu's
 * commands act on that run through the run selection (the rerun plugin implements it).
 */
export const SELECT_RUN_COMMAND = "tsematic:select-graph-run";

/** Below this zoom the labels are hidden (13 px text would be under 6 px tall). */
export const LABELS_FROM_SCALE = 0.45;

const SVG_NS = "http://www.w3.org/2000/svg";

export class RunGraph extends Widget {
  constructor(options: RunGraph.IOptions) {
    super();
    this.addClass("jp-RunGraph");
    this._commands = options.commands;
    this._collapseAbove = options.collapseAbove ?? 40;
    this._quickAbove = options.quickAbove ?? 150;
    this._openStepArgs = options.openStepArgs ?? {};

    this._status = document.createElement("div");
    this._status.className = "jp-RunGraph-status";
    this._status.setAttribute("aria-live", "polite");
    this._unlisted = document.createElement("div");
    this._unlisted.className = "jp-RunGraph-unlisted";
    this._unlisted.hidden = true;
    this._viewport = document.createElement("div");
    this._viewport.className = "jp-RunGraph-viewport";
    this._svg = Private.createSvg(0, 0);
    this._viewport.append(this._svg);
    this.node.append(this._status, this._unlisted, this._viewport);

    this._viewport.addEventListener("wheel", this, { passive: false });
    this._viewport.addEventListener("pointerdown", this);
    this._viewport.addEventListener("click", this);
    this._viewport.addEventListener("contextmenu", this);
    this._viewport.addEventListener("keydown", this);
    // A sidebar widened or a notebook output resized: the graph refits, unless the user moved it.
    // Observed rather than Lumino resize messages, which not every container sends (CSS sizes).
    this._resizeObserver = new ResizeObserver(() => {
      if (this._needsFit || !this._moved) {
        this.fitToView();
      }
    });
    this._resizeObserver.observe(this._viewport);
  }

  /** The graph shown. */
  get graph(): RunGraphData | null {
    return this._graph;
  }

  /** Milliseconds from `setGraph` to the boxes in the DOM, for the last new shape. */
  get lastRenderMs(): number {
    return this._lastRenderMs;
  }

  /** Shows a graph: lays it out again only when its shape changed, else updates the states. */
  setGraph(graph: RunGraphData): void {
    const start = performance.now();
    const previous = this._graph;
    this._graph = graph;
    this._showUnlisted(graph);
    const view = this._view;
    if (
      view !== null &&
      view.graph === previous &&
      this._graphLayout !== null &&
      graph.children === previous.children &&
      graph.edges === previous.edges
    ) {
      // The same nesting and edges (a live update of states, RunGraphData.withChanges): the
      // visible part holds, without walking every run and flow again.
      this._view = { ...view, graph };
      this._updateStates();
      return;
    }
    for (const [id, kids] of graph.children) {
      if (this._known.has(id)) {
        continue;
      }
      this._known.add(id);
      const isTop =
        graph.runs.get(id)?.parentId === null ||
        !graph.runs.has(graph.runs.get(id)?.parentId ?? "");
      if (!isTop && kids.length > 0 && graph.descendantCount(id) > this._collapseAbove) {
        this._collapsed.add(id);
      }
    }
    const visible = this._visible(graph);
    if (previous !== null && this._graphLayout !== null && layoutKey(visible) === this._drawnKey) {
      // Only states (or runs hidden in closed folds and collapsed groups) changed.
      this._view = visible;
      this._updateStates();
      return;
    }
    this._relayout(start, visible);
  }

  /** Says how many runs a saved (bounded) snapshot left out, outside its folds. */
  private _showUnlisted(graph: RunGraphData): void {
    const count = graph.unlistedRuns;
    this._unlisted.hidden = count === 0;
    this._unlisted.textContent =
      count === 0
        ? ""
        : `This saved view holds ${graph.runs.size.toLocaleString("en-US")} runs; ` +
          `${count.toLocaleString("en-US")} more are on the lineage server.`;
  }

  /** A line above the graph (where the graph comes from, what failed). */
  setNote(text: string, kind: "info" | "warning" = "info"): void {
    this._status.textContent = text;
    this._status.classList.toggle("jp-mod-warning", kind === "warning");
    this._status.hidden = text === "";
  }

  /** Expands or collapses a run with children. */
  toggle(runId: string): void {
    if (this._collapsed.has(runId)) {
      this._collapsed.delete(runId);
    } else {
      this._collapsed.add(runId);
    }
    this._relayout(performance.now());
  }

  /** Opens a closed fold (its first {@link FOLD_PAGE} members) or closes an open one. */
  toggleFold(foldId: string): void {
    if (this._shown.has(foldId)) {
      this._shown.delete(foldId);
    } else {
      this._shown.set(foldId, FOLD_PAGE);
    }
    this._relayout(performance.now());
  }

  /** Shows {@link FOLD_PAGE} more members of an open fold. */
  showMore(foldId: string): void {
    const shown = this._shown.get(foldId);
    if (shown === undefined) {
      return;
    }
    this._shown.set(foldId, shown + FOLD_PAGE);
    this._relayout(performance.now());
  }

  /** Fits the whole graph in the viewport. */
  fitToView(): void {
    if (this._fit()) {
      this._applyTransform();
    }
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case "wheel":
        this._onWheel(event as WheelEvent);
        break;
      case "pointerdown":
        this._onPointerDown(event as PointerEvent);
        break;
      case "pointermove":
        this._onPointerMove(event as PointerEvent);
        break;
      case "pointerup":
      case "pointercancel":
        this._onPointerUp(event as PointerEvent);
        break;
      case "click":
        this._onClick(event as MouseEvent);
        break;
      case "contextmenu":
        this._onContextMenu(event);
        break;
      case "keydown":
        this._onKeyDown(event as KeyboardEvent);
        break;
    }
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._generation += 1; // a pending ELK layout is dropped
    cancelAnimationFrame(this._windowFrame);
    this._resizeObserver.disconnect();
    this._viewport.removeEventListener("wheel", this);
    this._viewport.removeEventListener("pointerdown", this);
    this._viewport.removeEventListener("click", this);
    this._viewport.removeEventListener("contextmenu", this);
    this._viewport.removeEventListener("keydown", this);
    window.removeEventListener("pointermove", this);
    window.removeEventListener("pointerup", this);
    window.removeEventListener("pointercancel", this);
    super.dispose();
  }

  protected override onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    if (this._needsFit) {
      this.fitToView();
    }
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this._needsFit) {
      this.fitToView();
    }
  }

  /** The visible part of `graph` with this widget's collapsed groups and open folds. */
  private _visible(graph: RunGraphData): IVisibleGraph {
    return visibleGraph(graph, this._collapsed, { shown: this._shown });
  }

  private _relayout(start: number, visible?: IVisibleGraph): void {
    const graph = this._graph;
    if (graph === null) {
      return;
    }
    const generation = ++this._generation;
    this._layoutStart = start;
    const view = visible ?? this._visible(graph);
    this._view = view;
    const first = this._graphLayout === null;
    const key = layoutKey(view);
    this._drawnKey = key;
    const known = sharedLayouts.get(key);
    if (known !== undefined) {
      this._draw(known, first || !this._moved, start);
      this.node.dataset.elkMs = (performance.now() - start).toFixed(1);
    } else if (view.size > this._quickAbove || !elkReady()) {
      // Drawn now; elkjs's layout replaces it when ready. Started once this frame is painted, so
      // that starting elkjs (a large worker script) does not delay the paint.
      this._draw(quickLayout(view), first, start);
      Private.afterPaint(() => this._requestElk({ view, key, generation, fit: false }));
    } else {
      this._requestElk({ view, key, generation, fit: first, start });
    }
  }

  /**
   * Lays out with elkjs, one layout at a time: a graph that changes shape faster than elkjs lays
   * it out (a large run, live) gets the layout of its latest shape, not a queue of stale ones.
   */
  private _requestElk(job: Private.IElkJob): void {
    this._elkWanted = job;
    if (this._elkBusy) {
      return;
    }
    this._elkBusy = true;
    void (async () => {
      try {
        for (let next = this._elkWanted; next !== null; next = this._elkWanted) {
          this._elkWanted = null;
          if (this.isDisposed) {
            break;
          }
          if (next.generation === this._generation) {
            await this._elk(next);
          }
        }
      } finally {
        this._elkBusy = false;
      }
    })();
  }

  private async _elk({ view, key, generation, fit, start }: Private.IElkJob): Promise<void> {
    let layout: ILayout;
    try {
      const elk = await sharedElk();
      if (this.isDisposed || generation !== this._generation) {
        return;
      }
      layout = await elkLayout(view, elk);
      sharedLayouts.set(key, layout);
    } catch (reason) {
      console.warn(
        "Tsematic: elkjs could not lay out the run graph; a simpler layout is shown.",
        reason,
      );
      layout = quickLayout(view);
    }
    if (this.isDisposed || generation !== this._generation) {
      return;
    }
    // Replacing the quick layout of the same graph: the new drawing fades in.
    const replacing = start === undefined && this._graphLayout !== null;
    this._draw(layout, fit || !this._moved, start, replacing);
    this.node.dataset.elkMs = (performance.now() - this._layoutStart).toFixed(1);
  }

  private _draw(layout: ILayout, fit: boolean, start?: number, fade = false): void {
    const graph = this._graph;
    if (graph === null) {
      return;
    }
    this._graphLayout = layout;
    // The zoom is known before the markup is made: the window drawn (window.ts) depends on it, and
    // the boxes are laid out once, without their labels if it is small.
    if (fit) {
      this._fit();
    }
    const drawn = this._windowFor(layout);
    this._window = drawn;
    const svg = Private.createSvg(layout.width, layout.height);
    // One markup string parsed at once: several times faster than a thousand createElementNS.
    const groups: string[] = [];
    const nodes: string[] = [];
    const edges: string[] = [];
    const esc = Private.escape;
    for (const box of layout.boxes.values()) {
      if (drawn !== null && !intersects(box, drawn)) {
        continue;
      }
      const fold = this._view?.folds.get(box.id);
      if (fold !== undefined) {
        const markup = this._foldMarkup(graph, fold, box);
        (box.kind === "group" ? groups : nodes).push(markup);
        continue;
      }
      const run = graph.runs.get(box.id);
      if (!run) {
        continue;
      }
      const hidden = box.kind === "collapsed" ? ` (+${graph.descendantCount(run.id)})` : "";
      const label = Private.truncate(run.name, box.kind === "leaf" ? 20 : 17) + hidden;
      // Absolute coordinates rather than a transform per box: fewer paint property nodes, a
      // shorter pre-paint for a thousand boxes.
      const { x, y } = box;
      const textY = y + (box.kind === "group" ? 17 : box.height / 2 + 4);
      const toggle =
        box.kind === "leaf"
          ? ""
          : `<text class="jp-RunGraph-toggle" x="${x + 8}" y="${textY}">` +
            `${box.kind === "group" ? "▾" : "▸"}` +
            `<title>${box.kind === "group" ? "Collapse" : "Expand"}</title></text>`;
      const markup =
        `<g class="${Private.nodeClass(box.kind, run)}" ` +
        `data-run-id="${esc(run.id)}" data-state="${esc(run.state)}"` +
        `${Private.cachedAttribute(run)} data-attempt="${run.attempt ?? 1}">` +
        `<title>${esc(runTooltip(run))}</title>` +
        `<rect x="${x}" y="${y}" width="${box.width}" height="${box.height}" rx="4"></rect>` +
        `<text x="${x + (box.kind === "leaf" ? 10 : 24)}" y="${textY}">${esc(label)}</text>` +
        `${toggle}${Private.cacheMark(run, box)}${Private.retryMark(run, box)}</g>`;
      (box.kind === "group" ? groups : nodes).push(markup);
    }
    const arrowId = `jp-RunGraph-arrow-${++Private.counter.value}`;
    for (const edge of layout.edges) {
      const a = layout.boxes.get(edge.from);
      const b = layout.boxes.get(edge.to);
      if (!a || !b || (drawn !== null && !intersects(Private.span(a, b), drawn))) {
        continue;
      }
      if (edge.style === "awaited") {
        // The parent `b` awaited its child `a`: a short dotted arrow from the child's top toward
        // the parent's header, apart from the data edges (which enter a box's top center).
        const x = a.x + a.width - 14;
        const top = Math.max(b.y + 2, a.y - 12);
        const parentName = graph.runs.get(b.id)?.name ?? b.id;
        edges.push(
          `<path class="jp-RunGraph-awaited" data-from="${esc(a.id)}" data-to="${esc(b.id)}" ` +
            `marker-end="url(#${arrowId}-awaited)" d="M${x},${a.y} L${x},${top}">` +
            `<title>${esc(`awaited by ${parentName}`)}</title></path>`,
        );
        continue;
      }
      const x1 = a.x + a.width / 2;
      const y1 = a.y + a.height;
      const x2 = b.x + b.width / 2;
      const y2 = b.y;
      const bend = Math.max(12, Math.abs(y2 - y1) / 2);
      const parent = edge.style === "parent";
      edges.push(
        `<path class="jp-RunGraph-edge${parent ? " jp-mod-parent" : ""}" ` +
          `data-from="${esc(a.id)}" data-to="${esc(b.id)}" marker-end="url(#${arrowId})" ` +
          `d="M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}">` +
          (parent ? "<title>via the parent: its parent awaited it and passed it on</title>" : "") +
          `</path>`,
      );
    }
    // Groups behind, then edges, then the runs' boxes. One arrowhead of each kind per drawing:
    // marker ids are document-wide.
    svg.innerHTML =
      `<defs><marker id="${arrowId}" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" ` +
      `markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" class="jp-RunGraph-arrow"></path>` +
      `</marker><marker id="${arrowId}-awaited" viewBox="0 0 8 8" refX="8" refY="4" ` +
      `markerWidth="5" markerHeight="5" orient="auto"><path d="M0,0 L8,4 L0,8 z" ` +
      `class="jp-RunGraph-awaitedArrow"></path></marker></defs>` +
      `<g class="jp-RunGraph-canvas"><g>${groups.join("")}</g>` +
      `<g class="jp-RunGraph-edges">${edges.join("")}</g><g>${nodes.join("")}</g></g>`;
    this._nodes.clear();
    for (const g of svg.querySelectorAll<SVGGElement>("g[data-run-id]")) {
      this._nodes.set(g.dataset.runId as string, g);
    }
    this._foldNodes.clear();
    for (const g of svg.querySelectorAll<SVGGElement>("g[data-fold-id]")) {
      this._foldNodes.set(g.dataset.foldId as string, g);
    }
    const previous = this._svg;
    // The keyboard stays on the fold it was on when the drawing is replaced (elkjs's layout
    // arriving, the fold opened with Enter).
    const focused = previous.querySelector(":focus")?.closest<SVGGElement>("[data-fold-id]")
      ?.dataset.foldId;
    this._svg = svg;
    this._applyTransform();
    // One synchronous swap: there is never a moment with both drawings (two boxes per run) in the
    // DOM. Replacing the quick layout, the new drawing fades in where the old one was.
    previous.replaceWith(svg);
    if (fade && previous.childElementCount > 0) {
      svg.classList.add("jp-mod-entering");
    }
    if (focused !== undefined) {
      this._foldNodes.get(focused)?.focus();
    }
    this.node.dataset.engine = layout.engine;
    this.node.dataset.runs = String(layout.boxes.size);
    if (start !== undefined) {
      this._lastRenderMs = performance.now() - start;
      this.node.dataset.renderMs = this._lastRenderMs.toFixed(1);
      // The frame after this one starts once this one is painted.
      Private.afterPaint(() => {
        this.node.dataset.paintMs = (performance.now() - start).toFixed(1);
        this.node.dataset.paintedAt = performance.now().toFixed(1);
      });
    }
  }

  /**
   * Sets the zoom and offset that fit the graph in the viewport; false (and fits later) while the
   * viewport has no size. Reads the viewport's size: call it before changing the DOM.
   */
  private _fit(): boolean {
    const layout = this._graphLayout;
    const width = this._viewport.clientWidth;
    const height = this._viewport.clientHeight;
    if (layout === null || width === 0 || height === 0) {
      this._needsFit = true;
      return false;
    }
    this._needsFit = false;
    const margin = 12;
    const scale = Math.min(
      1,
      (width - 2 * margin) / Math.max(1, layout.width),
      (height - 2 * margin) / Math.max(1, layout.height),
    );
    // Very large graphs: not smaller than readable-ish; the user pans.
    this._scale = Math.max(scale, 0.15);
    this._tx = margin + Math.max(0, (width - 2 * margin - layout.width * this._scale) / 2);
    this._ty = margin;
    return true;
  }

  /**
   * A fold's box (closed: the step's name and count over the state breakdown) or an open fold's
   * group (the same in its header, how many members are shown, and "show more").
   */
  private _foldMarkup(graph: RunGraphData, fold: IFold, box: IPlacedBox): string {
    const esc = Private.escape;
    const counts = stateBreakdown(graph, fold);
    const total = fold.count.toLocaleString("en-US");
    const open = box.kind === "group";
    const { x, y } = box;
    const title = `${fold.name} × ${total} (calls of one step, folded)\n${breakdownText(counts)}`;
    const head =
      `<text class="jp-RunGraph-toggle" x="${x + 8}" y="${y + 17}">${open ? "▾" : "▸"}` +
      `<title>${open ? "Fold" : "Show the calls"}</title></text>` +
      `<text class="jp-RunGraph-foldName" x="${x + 24}" y="${y + 17}">` +
      `${esc(Private.truncate(fold.name, 20))} × ${total}</text>`;
    let body: string;
    if (open) {
      const shown = Math.min(this._shown.get(fold.id) ?? FOLD_PAGE, fold.members.length);
      const more = fold.members.length - shown;
      // Calls a bounded bundle left out: the live view (the lineage server) holds them.
      const away = fold.count - fold.members.length;
      body =
        `<text class="jp-RunGraph-foldStates" x="${x + 190}" y="${y + 17}">` +
        `${esc(breakdownText(counts))} · ${shown.toLocaleString("en-US")} shown</text>` +
        (more > 0
          ? `<text class="jp-RunGraph-more" tabindex="0" role="button" x="${x + box.width - 10}" ` +
            `y="${y + 17}">show ${Math.min(more, FOLD_PAGE)} more</text>`
          : away > 0
            ? `<text class="jp-RunGraph-away" x="${x + box.width - 10}" y="${y + 17}">` +
              `${away.toLocaleString("en-US")} more on the lineage server</text>`
            : "");
    } else {
      body =
        `<text class="jp-RunGraph-foldStates" x="${x + 24}" y="${y + 35}">` +
        `${esc(breakdownText(counts))}</text>`;
    }
    const deck = open
      ? ""
      : `<rect class="jp-RunGraph-foldDeck" x="${x + 4}" y="${y + 4}" width="${box.width}" ` +
        `height="${box.height}" rx="4"></rect>`;
    const kind = open ? "jp-RunGraph-group jp-mod-open" : "jp-RunGraph-node";
    return (
      `<g class="${kind} jp-RunGraph-fold jp-mod-${foldState(counts)}" ` +
      `data-fold-id="${esc(fold.id)}" data-step-name="${esc(fold.name)}" ` +
      `data-count="${fold.count}" tabindex="0" role="button" ` +
      `aria-expanded="${open}" aria-label="${esc(`${fold.name}: ${total} calls, ${breakdownText(counts)}`)}">` +
      `<title>${esc(title)}</title>${deck}` +
      `<rect x="${x}" y="${y}" width="${box.width}" height="${box.height}" rx="4"></rect>` +
      `${head}${body}</g>`
    );
  }

  /** A fold's breakdown and color, after states changed. */
  private _updateFold(graph: RunGraphData, fold: IFold, g: SVGGElement): void {
    const counts = stateBreakdown(graph, fold);
    const state = foldState(counts);
    for (const name of [...g.classList]) {
      if (name.startsWith("jp-mod-") && name !== "jp-mod-open") {
        g.classList.remove(name);
      }
    }
    g.classList.add(`jp-mod-${state}`);
    const text = g.querySelector(".jp-RunGraph-foldStates");
    if (text) {
      const shown = text.textContent?.match(/ · [\d,]+ shown$/)?.[0] ?? "";
      text.textContent = `${breakdownText(counts)}${shown}`;
    }
    const total = fold.count.toLocaleString("en-US");
    g.setAttribute("aria-label", `${fold.name}: ${total} calls, ${breakdownText(counts)}`);
  }

  private _updateStates(): void {
    const graph = this._graph;
    const layout = this._graphLayout;
    if (graph === null || layout === null) {
      return;
    }
    for (const [id, g] of this._foldNodes) {
      const fold = this._view?.folds.get(id);
      if (fold !== undefined) {
        this._updateFold(graph, fold, g);
      }
    }
    for (const [id, g] of this._nodes) {
      const run = graph.runs.get(id);
      const box = layout.boxes.get(id);
      if (!run || !box) {
        continue;
      }
      const cached = run.cachedFrom ?? null;
      const wasCached = g.dataset.originalRunId ?? null;
      const attempt = String(run.attempt ?? 1);
      const retried = g.dataset.attempt !== attempt;
      if (g.dataset.state === run.state && wasCached === cached && !retried) {
        continue;
      }
      g.dataset.state = run.state;
      g.setAttribute("class", Private.nodeClass(box.kind, run));
      const title = g.querySelector("title");
      if (title) {
        title.textContent = runTooltip(run);
      }
      if (wasCached !== cached) {
        // A run becomes a cache hit once (its outputs reused): the mark is added, never moved.
        g.querySelector(".jp-RunGraph-cacheMark")?.remove();
        if (cached === null) {
          delete g.dataset.originalRunId;
        } else {
          g.dataset.originalRunId = cached;
        }
        const mark = Private.cacheMark(run, box);
        // Parsed in the SVG namespace: the context is an SVG element.
        if (mark) {
          g.insertAdjacentHTML("beforeend", mark);
        }
      }
      if (retried) {
        g.dataset.attempt = attempt;
        g.querySelector(".jp-RunGraph-retryMark")?.remove();
        const mark = Private.retryMark(run, box);
        if (mark) {
          g.insertAdjacentHTML("beforeend", mark);
        }
      }
    }
  }

  /**
   * A CSS transform of the `<svg>`: panning and zooming never lay the boxes out again. Past the
   * drawn window of a large layout, the window around the new view is drawn at the next frame.
   */
  private _applyTransform(): void {
    this._svg.style.transform =
      `translate(${this._tx.toFixed(1)}px,${this._ty.toFixed(1)}px) ` +
      `scale(${this._scale.toFixed(4)})`;
    this._viewport.classList.toggle("jp-mod-overview", this._scale < LABELS_FROM_SCALE);
    const drawn = this._window;
    if (drawn === null || this._windowFrame !== 0) {
      return;
    }
    const size = { width: this._viewport.clientWidth, height: this._viewport.clientHeight };
    if (!contains(drawn, visibleRect(size, this._transform))) {
      this._windowFrame = requestAnimationFrame(() => {
        this._windowFrame = 0;
        const layout = this._graphLayout;
        if (!this.isDisposed && layout !== null) {
          this._draw(layout, false);
        }
      });
    }
  }

  /**
   * The part of `layout` to draw around the current view, or null for all of it (a small layout,
   * or a viewport without a size yet). Reads the viewport's size: call it before changing the DOM.
   */
  private _windowFor(layout: ILayout): IRect | null {
    const width = this._viewport.clientWidth;
    const height = this._viewport.clientHeight;
    if (layout.boxes.size <= WINDOW_ABOVE || width === 0 || height === 0) {
      return null;
    }
    return drawnWindow(visibleRect({ width, height }, this._transform));
  }

  private get _transform(): ITransform {
    return { tx: this._tx, ty: this._ty, scale: this._scale };
  }

  private _onWheel(event: WheelEvent): void {
    if (this._graphLayout === null) {
      return;
    }
    event.preventDefault();
    const bounds = this._viewport.getBoundingClientRect();
    const px = event.clientX - bounds.left;
    const py = event.clientY - bounds.top;
    const factor = Math.exp(-event.deltaY * 0.0015);
    const scale = Math.min(4, Math.max(0.05, this._scale * factor));
    // Zoom around the pointer.
    this._tx = px - ((px - this._tx) * scale) / this._scale;
    this._ty = py - ((py - this._ty) * scale) / this._scale;
    this._scale = scale;
    this._moved = true;
    this._applyTransform();
  }

  private _onPointerDown(event: PointerEvent): void {
    if (event.button !== 0) {
      return;
    }
    this._drag = { x: event.clientX, y: event.clientY, tx: this._tx, ty: this._ty, moved: false };
    window.addEventListener("pointermove", this);
    window.addEventListener("pointerup", this);
    window.addEventListener("pointercancel", this);
  }

  private _onPointerMove(event: PointerEvent): void {
    const drag = this._drag;
    if (drag === null) {
      return;
    }
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 4) {
      return;
    }
    drag.moved = true;
    this._moved = true;
    this._viewport.classList.add("jp-mod-panning");
    this._tx = drag.tx + dx;
    this._ty = drag.ty + dy;
    this._applyTransform();
  }

  private _onPointerUp(_event: PointerEvent): void {
    window.removeEventListener("pointermove", this);
    window.removeEventListener("pointerup", this);
    window.removeEventListener("pointercancel", this);
    this._viewport.classList.remove("jp-mod-panning");
    this._wasDrag = this._drag?.moved ?? false;
    this._drag = null;
  }

  private _onClick(event: MouseEvent): void {
    if (this._wasDrag) {
      this._wasDrag = false;
      return;
    }
    const target = event.target as Element | null;
    if (this._onFoldAction(target)) {
      return;
    }
    const node = target?.closest<SVGGElement>("[data-run-id]");
    const graph = this._graph;
    if (!node || graph === null) {
      return;
    }
    const runId = node.dataset.runId as string;
    if (target?.closest(".jp-RunGraph-toggle")) {
      this.toggle(runId);
      return;
    }
    void this._commands
      .execute(OPEN_STEP_COMMAND, { ...this._openStepArgs, runId, rootId: graph.rootId })
      .catch((reason: unknown) => console.warn(`Tsematic: could not open step ${runId}.`, reason));
  }

  /**
   * A click or key on a fold: "show more", the toggle of an open fold, or anywhere on a closed
   * fold's box. True when the event was one of these.
   */
  private _onFoldAction(target: Element | null): boolean {
    const fold = target?.closest<SVGGElement>("[data-fold-id]");
    if (!fold) {
      return false;
    }
    const foldId = fold.dataset.foldId as string;
    if (target?.closest(".jp-RunGraph-more")) {
      this.showMore(foldId);
    } else if (fold.getAttribute("aria-expanded") === "false") {
      this.toggleFold(foldId);
    } else if (target?.closest(".jp-RunGraph-toggle") || target === fold) {
      this.toggleFold(foldId);
    }
    return true;
  }

  /** Enter or Space on a focused fold (or its "show more") acts as a click. */
  private _onKeyDown(event: KeyboardEvent): void {
    if (event.key !== "Enter" && event.key !== " ") {
      return;
    }
    const target = event.target as Element | null;
    if (!target?.closest("[data-fold-id]")) {
      return;
    }
    event.preventDefault();
    this._onFoldAction(target);
  }

  /** Before the menu opens (the shell's listener is on the document): the run under it. */
  private _onContextMenu(event: Event): void {
    const node = (event.target as Element | null)?.closest<SVGGElement>("[data-run-id]");
    const graph = this._graph;
    if (!node || graph === null || !this._commands.hasCommand(SELECT_RUN_COMMAND)) {
      return;
    }
    const args = { runId: node.dataset.runId as string, rootId: graph.rootId };
    void this._commands.execute(SELECT_RUN_COMMAND, args).catch(() => undefined);
  }

  private readonly _commands: CommandRegistry;
  private readonly _collapseAbove: number;
  private readonly _quickAbove: number;
  private readonly _openStepArgs: ReadonlyPartialJSONObject;
  private readonly _status: HTMLDivElement;
  /** How many runs a bounded snapshot left out (hidden when none). */
  private readonly _unlisted: HTMLDivElement;
  private readonly _viewport: HTMLDivElement;
  private readonly _resizeObserver: ResizeObserver;
  private _svg: SVGSVGElement;
  private readonly _nodes = new Map<string, SVGGElement>();
  private readonly _collapsed = new Set<string>();
  /** Open folds: how many members each shows. */
  private readonly _shown = new Map<string, number>();
  private readonly _foldNodes = new Map<string, SVGGElement>();
  private _view: IVisibleGraph | null = null;
  private _drawnKey = "";
  private readonly _known = new Set<string>();
  private _graph: RunGraphData | null = null;
  private _graphLayout: ILayout | null = null;
  private _generation = 0;
  private _elkWanted: Private.IElkJob | null = null;
  private _elkBusy = false;
  private _lastRenderMs = 0;
  private _layoutStart = 0;
  private _needsFit = false;
  private _moved = false;
  private _wasDrag = false;
  private _drag: { x: number; y: number; tx: number; ty: number; moved: boolean } | null = null;
  private _scale = 1;
  private _tx = 0;
  private _ty = 0;
  /** The part of the layout drawn (null: all of it), and the frame that draws it again. */
  private _window: IRect | null = null;
  private _windowFrame = 0;
}

export namespace RunGraph {
  export interface IOptions {
    /** Where `tsematic:open-step` is executed. */
    commands: CommandRegistry;
    /** Nested runs with more descendants than this start collapsed. Default 40. */
    collapseAbove?: number;
    /** Visible graphs larger than this are drawn first with the quick layout. Default 150. */
    quickAbove?: number;
    /** More arguments of `tsematic:open-step` (a snapshot's view adds `{ snapshot: true }`). */
    openStepArgs?: ReadonlyPartialJSONObject;
  }
}

namespace Private {
  /** A layout asked of elkjs: for which drawing (generation), and whether it is the first one. */
  export interface IElkJob {
    readonly view: IVisibleGraph;
    readonly key: string;
    readonly generation: number;
    readonly fit: boolean;
    /** When the graph was given (the first drawing of a new shape only). */
    readonly start?: number;
  }

  /** Drawings made, for unique marker ids. */
  export const counter = { value: 0 };

  /** An empty drawing of the given size (CSS pixels at zoom 1). */
  export function createSvg(width: number, height: number): SVGSVGElement {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("class", "jp-RunGraph-svg");
    svg.setAttribute("role", "group");
    svg.setAttribute("width", String(Math.ceil(width) + 2));
    svg.setAttribute("height", String(Math.ceil(height) + 2));
    return svg;
  }

  /** Runs `callback` once the next frame is painted (not while the page is hidden). */
  export function afterPaint(callback: () => void): void {
    requestAnimationFrame(() => setTimeout(callback));
  }

  export function nodeClass(kind: string, run: IGraphRun): string {
    const base =
      kind === "group"
        ? "jp-RunGraph-group"
        : `jp-RunGraph-node${kind === "collapsed" ? " jp-mod-collapsed" : ""}`;
    const cached = run.cachedFrom !== undefined ? " jp-mod-cached" : "";
    const retried = (run.attempt ?? 1) > 1 ? " jp-mod-retried" : "";
    return `${base} jp-mod-${run.state.replace(/[^a-z-]/gi, "")}${cached}${retried}`;
  }

  /** A retried step's mark: "×3" (its attempt) on the box's top left corner. */
  export function retryMark(run: IGraphRun, box: { x: number; y: number }): string {
    const attempt = run.attempt ?? 1;
    if (attempt <= 1) {
      return "";
    }
    const width = 26;
    const x = box.x + 4;
    const y = box.y - 6;
    return (
      `<g class="jp-RunGraph-retryMark"><rect x="${x}" y="${y}" width="${width}" height="12" ` +
      `rx="6"></rect><text x="${x + width / 2}" y="${y + 9}">×${attempt}</text></g>`
    );
  }

  /** ` data-original-run-id="…"` on a cache hit's box (the run it reused; "" when unknown). */
  export function cachedAttribute(run: IGraphRun): string {
    return run.cachedFrom === undefined ? "" : ` data-original-run-id="${escape(run.cachedFrom)}"`;
  }

  /**
   * A cache hit's mark: a small "cached" tag on the box's top right corner, apart from the state's
   * colors (a hit is resolved too, and must not look like a run that computed).
   */
  export function cacheMark(
    run: IGraphRun,
    box: { x: number; y: number; width: number; kind: string },
  ): string {
    if (run.cachedFrom === undefined) {
      return "";
    }
    const width = 40;
    const x = box.x + box.width - width - 4;
    const y = box.y - 6;
    return (
      `<g class="jp-RunGraph-cacheMark"><rect x="${x}" y="${y}" width="${width}" height="12" ` +
      `rx="6"></rect><text x="${x + width / 2}" y="${y + 9}">cached</text></g>`
    );
  }

  /** The rectangle spanned by two boxes: an edge between them lies in it. */
  export function span(a: IPlacedBox, b: IPlacedBox): IRect {
    const x = Math.min(a.x, b.x);
    const y = Math.min(a.y, b.y);
    return {
      x,
      y,
      width: Math.max(a.x + a.width, b.x + b.width) - x,
      height: Math.max(a.y + a.height, b.y + b.height) - y,
    };
  }

  export function escape(text: string): string {
    return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  export function truncate(text: string, max: number): string {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
  }
}
