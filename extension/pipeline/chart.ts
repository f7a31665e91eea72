/**
 * A Vega-Lite chart of a spec the view computed (not an artifact), drawn as the plot artifacts
 * are (artifacts/plot.ts: vega-embed loaded on first use, the same options, JupyterLab's light or
 * dark theme, redrawn when it changes, only the newest render's view kept), once it comes near the
 * screen. Its spec is compiled once per shape and theme (./chart-shapes.ts: the charts of ten
 * metrics share one compile). A click on a mark whose datum has a `rootId` calls `onPick` with
 * it; a tooltip is described from the datum when shown (`tooltip`). A chart given `complete`
 * data first draws its spec's (fewer points, a quick first paint), then, once the page is idle
 * (the other charts on the screen drawn), swaps in the complete data through Vega's dataflow (no
 * new compile).
 *
 * @example
 * ```ts
 * const chart = new SpecChart({ spec: timelineSpec(points), tooltip: timelineTooltip,
 *   onPick: (rootId) => selection.select(rootId) });
 * panel.addWidget(chart);
 * ```
 */
import { Widget } from "@lumino/widgets";
import type { EmbedOptions, Result } from "vega-embed";

import { errorText } from "../artifacts/context";
import { embedOptions, isDarkTheme } from "../artifacts/plot";
import { RenderSlot } from "../artifacts/render-slot";
import { chartData, ChartShapes, fillShape, type IChartSpec, shapeKey } from "./chart-shapes";
import { withoutSubsetDomains } from "./subset-domains";
import { type Tooltip, tooltipHtml } from "./tooltips";

/** The most data points a chart draws as SVG elements; more are drawn on a canvas. */
export const SVG_MAX_POINTS = 300;

/** The compiled shapes of every chart of the pipeline views (one compile per shape and theme). */
const shapes = new ChartShapes();

/**
 * The longest a chart waits for an idle page to draw what can wait (ms): a chart only near the
 * screen, a long series' complete points.
 */
const IDLE_WAIT_MS = 1000;

export class SpecChart extends Widget {
  constructor(options: SpecChart.IOptions) {
    super();
    this.addClass("jp-TsematicPipeline-chart");
    this._onPick = options.onPick ?? null;
    this._tooltip = options.tooltip ?? null;
    if (options.title) {
      this.node.dataset.title = options.title;
    }
    this._complete = options.complete ?? null;
    const points = this._complete?.values.length ?? chartData(options.spec.spec).values.length;
    // SVG for small charts (each point an element a click or a screen reader finds); canvas for
    // large ones, which it draws many times faster (a click still reaches the point's run).
    this._renderer = points <= SVG_MAX_POINTS ? "svg" : "canvas";
    // A canvas has no element per point to describe: its points' ARIA descriptions (two dates
    // formatted each) would be computed for no reader.
    this._chart =
      this._renderer === "svg"
        ? options.spec
        : {
            ...options.spec,
            spec: {
              ...options.spec.spec,
              config: { ...(options.spec.spec.config as object | undefined), aria: false },
            },
          };
    this._observer = new MutationObserver(() => {
      if (this._started && isDarkTheme() !== this._dark) {
        void this._render();
      }
    });
    this._observer.observe(document.body, {
      attributes: true,
      attributeFilter: ["data-jp-theme-light"],
    });
    if (typeof IntersectionObserver === "undefined") {
      this._start();
    } else {
      // Drawn when it comes near the screen: a view of many charts paints what is seen first.
      // One on the screen is drawn at once; one only near it, once the page is idle (after the
      // charts on the screen), so that it is ready when scrolled to.
      this._visibility = new IntersectionObserver(
        (entries) => {
          const near = entries.filter((entry) => entry.isIntersecting);
          if (near.length === 0) {
            return;
          }
          const onScreen = near.some(
            (entry) =>
              entry.boundingClientRect.top < window.innerHeight &&
              entry.boundingClientRect.bottom > 0,
          );
          if (onScreen) {
            this._start();
          } else {
            Private.whenIdle(() => this._start());
          }
        },
        { rootMargin: "200px" },
      );
      this._visibility.observe(this.node);
    }
  }

  /** Resolves when the current spec has been drawn (or failed to draw); not before it is near the screen. */
  get drawn(): Promise<void> {
    return this._drawn;
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._visibility?.disconnect();
    this._observer.disconnect();
    this._views.dispose();
    super.dispose();
  }

  private _start(): void {
    if (this._started || this.isDisposed) {
      return;
    }
    this._started = true;
    this._visibility?.disconnect();
    this._visibility = null;
    void this._render();
  }

  private _render(): Promise<void> {
    this._drawn = this._draw();
    return this._drawn;
  }

  private async _draw(): Promise<void> {
    const ticket = this._views.begin();
    try {
      const { default: embed, vega } = await import("vega-embed");
      if (!this._views.isCurrent(ticket)) {
        return;
      }
      const dark = isDarkTheme();
      this._dark = dark;
      const target = document.createElement("div");
      target.className = "jp-TsematicPipeline-chartView";
      this.node.replaceChildren(target);
      const result = await this._embed(embed, target, dark);
      if (!this._views.settle(ticket, result)) {
        return;
      }
      const onPick = this._onPick;
      if (onPick) {
        result.view.addEventListener("click", (_event, item) => {
          const datum = (item as { datum?: { rootId?: unknown } } | null | undefined)?.datum;
          if (typeof datum?.rootId === "string") {
            onPick(datum.rootId);
          }
        });
      }
      this.node.dataset.rendered = "true";
      this.node.dataset.renderer = this._renderer;
      this.node.dataset.theme = dark ? "dark" : "light";
      const complete = this._complete;
      if (complete) {
        delete this.node.dataset.complete;
        // Once the page is idle, not before: the other charts on the screen are drawn first.
        Private.whenIdle(() => {
          if (!this._views.isCurrent(ticket)) {
            return;
          }
          const changes = vega
            .changeset()
            .remove(() => true)
            .insert([...complete.values]);
          void result.view
            .change(complete.name, changes)
            .runAsync()
            .then(() => {
              if (this._views.isCurrent(ticket)) {
                this.node.dataset.complete = "true";
              }
            });
        });
      }
    } catch (reason) {
      if (!this._views.isCurrent(ticket)) {
        return;
      }
      const error = document.createElement("div");
      error.className = "jp-TsematicArtifact-error";
      error.textContent = `The chart could not be drawn: ${errorText(reason)}`;
      this.node.replaceChildren(error);
    }
  }

  /**
   * Draws the chart into `target`: from its shape's compiled Vega spec when one is kept, else
   * compiled by vega-embed, whose compiled spec is kept for the next chart of the shape.
   */
  private _embed(
    embed: (el: HTMLElement, spec: never, options: EmbedOptions) => Promise<Result>,
    target: HTMLElement,
    dark: boolean,
  ): Promise<Result> {
    const chart = this._chart;
    const tooltip = this._tooltip;
    const options: EmbedOptions = {
      ...embedOptions(dark),
      renderer: this._renderer,
      // vega-embed's default for Vega-Lite; a compiled spec drawn as Vega would hover otherwise.
      hover: false,
      ...(tooltip
        ? {
            tooltip: {
              // vega-tooltip's formatter, given the datum (the spec's tooltip is the datum).
              formatTooltip: (datum: Record<string, unknown>, escape: (text: string) => string) =>
                tooltipHtml(tooltip(datum), escape),
            },
          }
        : {}),
    };
    const key = shapeKey(chart, dark ? "dark" : "light");
    const compiled = shapes.get(key);
    if (compiled) {
      // The theme and config are in the compiled spec already (as when vega-embed compiles it).
      const { theme: _theme, config: _config, ...vegaOptions } = options;
      return embed(target, fillShape(compiled, chart) as never, { ...vegaOptions, mode: "vega" });
    }
    return embed(target, chart.spec as never, {
      ...options,
      // Kept without the domains of filtered subsets: the same scales, no "Infinite extent" warnings.
      patch: (vega) =>
        fillShape(
          shapes.keep(key, withoutSubsetDomains(vega as Record<string, unknown>)),
          chart,
        ) as never,
    });
  }

  private readonly _chart: IChartSpec;
  private readonly _tooltip: Tooltip | null;
  private readonly _onPick: ((rootId: string) => void) | null;
  private readonly _observer: MutationObserver;
  private readonly _views = new RenderSlot<Result>();
  private readonly _renderer: "svg" | "canvas";
  private readonly _complete: SpecChart.IData | null;
  private _visibility: IntersectionObserver | null = null;
  private _started = false;
  private _drawn: Promise<void> = Promise.resolve();
  private _dark = false;
}

export namespace SpecChart {
  export interface IOptions {
    /** A Vega-Lite spec, its data named (./specs.ts). */
    spec: IChartSpec;
    /** The tooltip of the datum under the pointer (none: the spec's own tooltips). */
    tooltip?: Tooltip;
    /** Shown as the chart's `data-title` (tests and styles find a chart by it). */
    title?: string;
    /** Called with the `rootId` of the datum clicked. */
    onPick?: (rootId: string) => void;
    /** The complete data of the spec's named data set, when the spec holds only a part of it. */
    complete?: IData;
  }

  /** The values of a named data set of a spec. */
  export interface IData {
    readonly name: string;
    readonly values: readonly object[];
  }
}

namespace Private {
  /** Calls `callback` when the page is idle, or after {@link IDLE_WAIT_MS} at the latest. */
  export function whenIdle(callback: () => void): void {
    if (typeof requestIdleCallback === "function") {
      requestIdleCallback(callback, { timeout: IDLE_WAIT_MS });
    } else {
      setTimeout(callback, 0);
    }
  }
}
