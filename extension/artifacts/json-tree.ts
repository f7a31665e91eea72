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

/** A decoded value, ready to show: a leaf with its text, or a branch with named children. */
export type JsonNode =
  | { readonly kind: "leaf"; readonly text: string; readonly type: string }
  | {
      readonly kind: "branch";
      readonly label: string;
      readonly entries: () => Array<[string, JsonNode]>;
      readonly size: number;
    };

/** Children shown per branch before a "more" line. */
const PAGE = 200;

/** Decodes kernel-lib's tagged JSON into display nodes. */
export function decodeTagged(value: unknown): JsonNode {
  if (value === null) {
    return { kind: "leaf", text: "null", type: "null" };
  }
  if (typeof value === "string") {
    return { kind: "leaf", text: JSON.stringify(value), type: "string" };
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return { kind: "leaf", text: String(value), type: typeof value };
  }
  if (Array.isArray(value)) {
    return {
      kind: "branch",
      label: `Array(${value.length})`,
      size: value.length,
      entries: () => value.map((item, i) => [String(i), decodeTagged(item)]),
    };
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys[0] === "$t") {
    const v = object.v;
    switch (object.$t) {
      case "undefined":
        return { kind: "leaf", text: "undefined", type: "undefined" };
      case "number":
        return { kind: "leaf", text: String(v), type: "number" };
      case "bigint":
        return { kind: "leaf", text: `${String(v)}n`, type: "number" };
      case "Date":
        return { kind: "leaf", text: v === null ? "Invalid Date" : String(v), type: "date" };
      case "Map": {
        const pairs = Array.isArray(v) ? (v as Array<[unknown, unknown]>) : [];
        return {
          kind: "branch",
          label: `Map(${pairs.length})`,
          size: pairs.length,
          entries: () =>
            pairs.map(([k, item]) => [Private.keyText(decodeTagged(k)), decodeTagged(item)]),
        };
      }
      case "Set": {
        const items = Array.isArray(v) ? v : [];
        return {
          kind: "branch",
          label: `Set(${items.length})`,
          size: items.length,
          entries: () => items.map((item, i) => [String(i), decodeTagged(item)]),
        };
      }
      case "object":
        return Private.object(v as Record<string, unknown>, "Object");
      case "brand":
        return Private.object(v as Record<string, unknown>, String(object.b));
      default:
        if (typeof object.$t === "string" && typeof v === "string") {
          // Typed arrays and ArrayBuffers: base64 of the bytes.
          const bytes =
            Math.floor((v.length * 3) / 4) - (v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0);
          return { kind: "leaf", text: `${object.$t} (${bytes} bytes)`, type: "binary" };
        }
    }
  }
  return Private.object(object, "Object");
}

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
  export function object(value: Record<string, unknown>, name: string): JsonNode {
    const keys = Object.keys(value ?? {});
    return {
      kind: "branch",
      label: name === "Object" ? `{${keys.length}}` : `${name} {${keys.length}}`,
      size: keys.length,
      entries: () => keys.map((key) => [key, decodeTagged(value[key])]),
    };
  }

  export function keyText(node: JsonNode): string {
    return node.kind === "leaf" ? node.text : node.label;
  }

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
        const end = Math.min(entries.length, shown + PAGE);
        for (; shown < end; shown++) {
          const [childKey, child] = entries[shown]!;
          children.appendChild(render(childKey, child));
        }
        if (shown < entries.length) {
          const button = document.createElement("button");
          button.className = "jp-TsematicJson-more";
          button.textContent = `${entries.length - shown} more…`;
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
