/**
 * A JSON artifact as a collapsible tree. The bytes use kernel-lib's tagged encoding (see the top of
 * kernel-lib/src/types/json.ts): objects whose first key is `"$t"` stand for values plain JSON
 * cannot hold (undefined, NaN, bigints, Dates, Maps, Sets, typed arrays, branded values); they are
 * shown as those values, not as the tag objects. Children render when a node is first opened, so
 * a million-element array costs nothing until someone looks.
 */
import { Widget } from "@lumino/widgets";

import type { IArtifact } from "../step/api";
import { errorText, fetchBytes, type IArtifactViewContext } from "./context";
import { firstPage, JSON_PAGE } from "./json-pages";
import { decodeTagged, type JsonNode } from "./tagged-json";

/** Children shown per branch before a "more" line. */
const PAGE = JSON_PAGE;

export class JsonTreeView extends Widget {
  constructor(artifact: IArtifact, context: IArtifactViewContext) {
    super();
    this.addClass("jp-TsematicJson");
    void this._load(artifact, context);
  }

  /** Shows `value` (already parsed JSON in the tagged encoding). */
  showValue(value: unknown): void {
    const root = decodeTagged(value);
    this.node.replaceChildren(Private.render("", root, true));
  }

  private async _load(artifact: IArtifact, context: IArtifactViewContext): Promise<void> {
    try {
      const text = new TextDecoder().decode(await fetchBytes(context, artifact.id));
      if (!this.isDisposed) {
        this.showValue(JSON.parse(text));
      }
    } catch (reason) {
      if (!this.isDisposed) {
        this.node.textContent = `The value could not be loaded: ${errorText(reason)}`;
        this.node.classList.add("jp-TsematicArtifact-error");
      }
    }
  }
}

namespace Private {
  export function render(key: string, node: JsonNode, open = false): HTMLElement {
    const keyNode = document.createElement("span");
    keyNode.className = "jp-TsematicJson-key";
    keyNode.textContent = key ? `${key}: ` : "";
    if (node.kind === "leaf") {
      const line = document.createElement("div");
      line.className = "jp-TsematicJson-leaf";
      const valueNode = document.createElement("span");
      valueNode.className = `jp-TsematicJson-value jp-mod-${node.type}`;
      valueNode.textContent = node.text;
      line.append(keyNode, valueNode);
      return line;
    }
    const details = document.createElement("details");
    details.className = "jp-TsematicJson-branch";
    const summary = document.createElement("summary");
    const label = document.createElement("span");
    label.className = "jp-TsematicJson-label";
    label.textContent = node.label;
    summary.append(keyNode, label);
    details.appendChild(summary);
    let rendered = false;
    const fill = (): void => {
      if (rendered || !details.open) {
        return;
      }
      rendered = true;
      const children = document.createElement("div");
      children.className = "jp-TsematicJson-children";
      const entries = node.entries();
      let shown = 0;
      const more = (): void => {
        const end = Math.min(
          entries.length,
          shown === 0 ? firstPage(node.label, entries.length) : shown + PAGE,
        );
        for (; shown < end; shown++) {
          const [childKey, child] = entries[shown]!;
          children.appendChild(render(childKey, child));
        }
        if (shown < entries.length) {
          const button = document.createElement("button");
          button.className = "jp-TsematicJson-more";
          const rest = entries.length - shown;
          button.textContent = `${rest} more ${rest === 1 ? "item" : "items"} (of ${entries.length})…`;
          button.addEventListener("click", () => {
            button.remove();
            more();
          });
          children.appendChild(button);
        }
      };
      more();
      details.appendChild(children);
    };
    details.addEventListener("toggle", fill);
    details.open = open;
    fill();
    return details;
  }
}
