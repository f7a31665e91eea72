/**
 * A Vega-Lite plot artifact, rendered by vega-embed (loaded on first use), following JupyterLab's
 * light/dark theme: it re-renders when the theme changes, and finalizes the view when disposed
 * (as JupyterLab's own vega5 renderer does). A theme change while a render is still drawing starts
 * a newer one; only the newest render's view is kept, every other is finalized ({@link RenderSlot}).
 */
import { Widget } from "@lumino/widgets";
import type { EmbedOptions, Result } from "vega-embed";

import type { IArtifact } from "../step/api";
import { errorText, fetchBytes, type IArtifactViewContext } from "./context";
import { RenderSlot } from "./render-slot";

export class PlotView extends Widget {
  constructor(artifact: IArtifact, context: IArtifactViewContext) {
    super();
    this.addClass("jp-TsematicPlot");
    this._artifact = artifact;
    this._context = context;
    // JupyterLab marks the theme on <body data-jp-theme-light>; watching it needs no token.
    this._observer = new MutationObserver(() => {
      const dark = Private.isDark();
      if (dark !== this._dark) {
        void this._render();
      }
    });
    this._observer.observe(document.body, {
      attributes: true,
      attributeFilter: ["data-jp-theme-light"],
    });
    void this._render();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._observer.disconnect();
    this._abort.abort();
    this._views.dispose();
    super.dispose();
  }

  private async _render(): Promise<void> {
    const ticket = this._views.begin();
    try {
      this._spec ??= JSON.parse(
        new TextDecoder().decode(
          await fetchBytes(this._context, this._artifact.id, this._abort.signal),
        ),
      ) as Record<string, unknown>;
      const { default: embed } = await import("vega-embed");
      if (!this._views.isCurrent(ticket)) {
        return; // disposed, or a newer render (the theme changed again) draws instead
      }
      const dark = Private.isDark();
      this._dark = dark;
      const target = document.createElement("div");
      target.className = "jp-TsematicPlot-view";
      this.node.replaceChildren(target);
      const result = await embed(target, this._spec as never, embedOptions(dark));
      // Kept only if no newer render started meanwhile; else finalized here (no leaked view).
      if (!this._views.settle(ticket, result)) {
        return;
      }
      this.node.dataset.rendered = "true";
      // Which theme the drawn plot has: tests wait for the redraw after a theme change.
      this.node.dataset.theme = dark ? "dark" : "light";
    } catch (reason) {
      if (!this._views.isCurrent(ticket)) {
        return;
      }
      const error = document.createElement("div");
      error.className = "jp-TsematicArtifact-error";
      error.textContent = `The plot could not be rendered: ${errorText(reason)}`;
      this.node.replaceChildren(error);
    }
  }

  private readonly _artifact: IArtifact;
  private readonly _context: IArtifactViewContext;
  private readonly _observer: MutationObserver;
  private readonly _abort = new AbortController();
  private _spec: Record<string, unknown> | null = null;
  private readonly _views = new RenderSlot<Result>();
  private _dark = false;
}

/**
 * vega-embed's options for a Vega-Lite plot in JupyterLab's theme (the pipeline view's plots use
 * them too): vega's dark theme when the page is dark, the panel's background showing through.
 */
export function embedOptions(dark: boolean): EmbedOptions {
  return {
    actions: { export: true, source: false, compiled: false, editor: false },
    theme: dark ? "dark" : undefined,
    // The panel's own background shows through (vega's dark theme would paint a grey box).
    config: { background: "transparent" },
    mode: "vega-lite",
  };
}

/** Whether JupyterLab shows a dark theme (`<body data-jp-theme-light="false">`). */
export function isDarkTheme(): boolean {
  return Private.isDark();
}

namespace Private {
  export function isDark(): boolean {
    return document.body.dataset.jpThemeLight === "false";
  }
}
