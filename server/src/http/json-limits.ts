/**
 * Limits on the shape of parsed JSON bodies, checked before anything reads them: how deep values
 * nest, and how large named free-form fields (an artifact's `summary`) may be. Without them, one
 * event nested thousands of levels is stored and then fails every read that serializes it.
 *
 * The walk is iterative, so no input can overflow the stack here.
 *
 * @example
 * ```ts
 * checkJsonLimits({ events: [{ summary: { a: { a: 1 } } }] }, { maxDepth: 64 }); // fine
 * checkJsonLimits(JSON.parse('{"a":'.repeat(100) + "1" + "}".repeat(100)), { maxDepth: 64 });
 * // throws 400: "a.a.a.a.a.a… is nested deeper than 64 levels"
 * ```
 */
import { ApiError } from "./errors";

/** Deepest nesting a request body may have (counted from the body itself). */
export const MAX_JSON_DEPTH = 64;

export interface JsonLimits {
  /** Default {@link MAX_JSON_DEPTH}. */
  maxDepth?: number;
  /** Largest JSON text (in UTF-16 code units) of any property with one of these names. */
  fieldBytes?: Record<string, number>;
}

interface Node {
  value: unknown;
  depth: number;
  key: string | number | undefined;
  parent: Node | undefined;
}

/** Throws a 400 (too deep) or 413 (field too large) that names the field; returns otherwise. */
export function checkJsonLimits(body: unknown, limits: JsonLimits = {}): void {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH;
  const fieldBytes = limits.fieldBytes ?? {};
  const sized: Node[] = [];
  const stack: Node[] = [{ value: body, depth: 0, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value !== "object" || value === null) continue;
    if (node.depth >= maxDepth) {
      throw ApiError.badRequest(
        "too_deep",
        `${fieldName(node)} is nested deeper than ${maxDepth} levels: send flatter data ` +
          "(e.g. summarize it, or send it as an artifact). Nothing in this request was stored",
      );
    }
    if (typeof node.key === "string" && Object.hasOwn(fieldBytes, node.key)) sized.push(node);
    // Only objects and arrays are walked: a scalar is never too deep, and a sized field is measured
    // only when it holds one (the stack stays small on an event batch's thousands of scalars).
    const depth = node.depth + 1;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === "object" && item !== null) {
          stack.push({ value: item, depth, key: i, parent: node });
        }
      }
    } else {
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) {
        const item = object[key];
        if (typeof item === "object" && item !== null) {
          stack.push({ value: item, depth, key, parent: node });
        }
      }
    }
  }
  // Only now is serializing safe: every value is at most maxDepth deep.
  for (const node of sized) {
    const max = fieldBytes[node.key as string]!;
    const size = JSON.stringify(node.value).length;
    if (size > max) {
      throw new ApiError(
        413,
        "field_too_large",
        `${fieldName(node)} is ${size} bytes of JSON, over the limit of ${max}: keep it a short ` +
          "summary and store the data itself as an artifact. Nothing in this request was stored",
      );
    }
  }
}

/** `events[0].artifact.summary.a.a…`: the path to a node, its first segments only. */
function fieldName(node: Node): string {
  const keys: (string | number)[] = [];
  for (let n: Node | undefined = node; n?.key !== undefined; n = n.parent) keys.push(n.key);
  keys.reverse();
  const shown = keys.slice(0, 8);
  const path = shown
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`))
    .join("")
    .slice(0, 200);
  return `${path || "the body"}${keys.length > shown.length ? "…" : ""}`;
}
