/**
 * A Vega-Lite plot artifact, rendered by vega-embed (loaded on first use), following JupyterLab's
 * light/dark theme: it re-renders when the theme changes, and finalizes the view when disposed
 * (as JupyterLab's own vega5 renderer does).
 */
import { Widget } from "@lumino/widgets";
import type { Result } from "vega-embed";

import type { IArtifact } from "../step/api";
import { errorText, fetchBytes, type IArtifactViewContext } from "./context";

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
    this._result?.finalize();
    this._result = null;
    super.dispose();
  }

  private async _render(): Promise<void> {
    try {
      this._spec ??= JSON.parse(
        new TextDecoder().decode(
          await fetchBytes(this._context, this._artifact.id, this._abort.signal),
        ),
      ) as Record<string, unknown>;
      const { default: embed } = await import("vega-embed");
      if (this.isDisposed) {
        return;
      }
      this._dark = Private.isDark();
      this._result?.finalize();
      this._result = null;
      const target = document.createElement("div");
      target.className = "jp-TsematicPlot-view";
      this.node.replaceChildren(target);
      const result = await embed(target, this._spec as never, {
        actions: { export: true, source: false, compiled: false, editor: false },
        theme: this._dark ? "dark" : undefined,
        // The panel's own background shows through (vega's dark theme would paint a grey box).
        config: { background: "transparent" },
        mode: "vega-lite",
      });
      if (this.isDisposed) {
        result.finalize();
        return;
      }
      this._result = result;
      this.node.dataset.rendered = "true";
      // Which theme the drawn plot has: tests wait for the redraw after a theme change.
      this.node.dataset.theme = this._dark ? "dark" : "light";
    } catch (reason) {
      if (this.isDisposed) {
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
  private _result: Result | null = null;
  private _dark = false;
}

namespace Private {
  export function isDark(): boolean {
    return document.body.dataset.jpThemeLight === "false";
  }
}
