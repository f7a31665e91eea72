/**
 * A Vega-Lite chart of a spec the view computed (not an artifact), drawn as the plot artifacts
 * are (artifacts/plot.ts: vega-embed loaded on first use, the same options, JupyterLab's light or
 * dark theme, redrawn when it changes, only the newest render's view kept), once it comes near the
 * screen. A click on a mark
 * whose datum has a `rootId` calls `onPick` with it. A chart given `complete` data first draws its
 * spec's (fewer points, a quick first paint), then, after that frame, swaps in the complete data
 * through Vega's dataflow (no new compile).
 *
 * @example
 * ```ts
 * const chart = new SpecChart({ spec, onPick: (rootId) => selection.select(rootId) });
 * panel.addWidget(chart);
 * ```
 */
import { Widget } from "@lumino/widgets";
import type { Result } from "vega-embed";

import { errorText } from "../artifacts/context";
import { embedOptions, isDarkTheme } from "../artifacts/plot";
import { RenderSlot } from "../artifacts/render-slot";

/** The most data points a chart draws as SVG elements; more are drawn on a canvas. */
export const SVG_MAX_POINTS = 300;

export class SpecChart extends Widget {
  constructor(options: SpecChart.IOptions) {
    super();
    this.addClass("jp-TsematicPipeline-chart");
    this._spec = options.spec;
    this._onPick = options.onPick ?? null;
    if (options.title) {
      this.node.dataset.title = options.title;
    }
    this._complete = options.complete ?? null;
    const points =
      this._complete?.values.length ??
      (options.spec.data as { values?: unknown[] } | undefined)?.values?.length ??
      0;
    // SVG for small charts (each point an element a click or a screen reader finds); canvas for
    // large ones, which it draws many times faster (a click still reaches the point's run).
    this._renderer = points <= SVG_MAX_POINTS ? "svg" : "canvas";
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
      this._visibility = new IntersectionObserver(
        (entries) => {
          if (entries.some((entry) => entry.isIntersecting)) {
            this._start();
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
    if (this._started) {
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
      const result = await embed(target, this._spec as never, {
        ...embedOptions(dark),
        renderer: this._renderer,
      });
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
        // After the frame that shows the first points, not before: the first paint stays quick.
        requestAnimationFrame(() =>
          setTimeout(() => {
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
          }, 0),
        );
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

  private readonly _spec: Record<string, unknown>;
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
    /** A Vega-Lite spec. */
    spec: Record<string, unknown>;
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
