/**
 * kernel-lib's tagged JSON (see the top of kernel-lib/src/types/json.ts) decoded for display:
 * objects whose first key is `"$t"` stand for values plain JSON cannot hold (undefined, NaN,
 * bigints, Dates, Maps, Sets, typed arrays, branded values) and are shown as those values. A
 * branch's children are decoded only when asked for, so a large value costs nothing until opened.
 *
 * @example
 * ```ts
 * const node = decodeTagged(JSON.parse('{"n":{"$t":"bigint","v":"12"}}'));
 * node.kind === "branch" && node.entries(); // [["n", { kind: "leaf", text: "12n", type: "number" }]]
 * ```
 */
/** A decoded value, ready to show: a leaf with its text, or a branch with named children. */
export type JsonNode =
  | { readonly kind: "leaf"; readonly text: string; readonly type: string }
  | {
      readonly kind: "branch";
      readonly label: string;
      readonly entries: () => Array<[string, JsonNode]>;
      readonly size: number;
    };

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
}
