/**
 * A structural diff of two JSON values, for comparing the outputs of two runs: the paths where
 * they differ (a key added or removed, an array grown or shrunk, a value or type changed), not a
 * text diff of their serializations (key order and spacing do not count).
 *
 * @example
 * ```ts
 * jsonDiff({ lr: 0.1, layers: [64, 32] }, { lr: 0.2, layers: [64], seed: 1 });
 * // [{ path: "$.layers[1]", kind: "removed", before: 32 },
 * //  { path: "$.lr", kind: "changed", before: 0.1, after: 0.2 },
 * //  { path: "$.seed", kind: "added", after: 1 }]
 * ```
 */

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface IJsonChange {
  /** Where, as a JSONPath-like string (`$.a.b[2]`, `$["odd key"]`). */
  readonly path: string;
  readonly kind: "added" | "removed" | "changed";
  readonly before?: JsonValue;
  readonly after?: JsonValue;
}

/** The most changes listed; the rest are counted (`truncated`). */
export const MAX_JSON_CHANGES = 500;

export interface IJsonDiff {
  readonly changes: readonly IJsonChange[];
  /** Changes found beyond {@link MAX_JSON_CHANGES} (not listed). */
  readonly truncated: number;
}

/** The differences between `before` and `after`, in path order (object keys sorted). */
export function jsonDiff(before: JsonValue, after: JsonValue, limit = MAX_JSON_CHANGES): IJsonDiff {
  const changes: IJsonChange[] = [];
  let truncated = 0;
  const push = (change: IJsonChange): void => {
    if (changes.length < limit) {
      changes.push(change);
    } else {
      truncated++;
    }
  };
  const walk = (path: string, a: JsonValue, b: JsonValue): void => {
    if (Object.is(a, b)) {
      return;
    }
    const kindA = kindOf(a);
    if (kindA !== kindOf(b)) {
      push({ path, kind: "changed", before: a, after: b });
      return;
    }
    if (kindA === "array") {
      const xs = a as JsonValue[];
      const ys = b as JsonValue[];
      for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
        const at = `${path}[${i}]`;
        if (i >= ys.length) {
          push({ path: at, kind: "removed", before: xs[i]! });
        } else if (i >= xs.length) {
          push({ path: at, kind: "added", after: ys[i]! });
        } else {
          walk(at, xs[i]!, ys[i]!);
        }
      }
      return;
    }
    if (kindA === "object") {
      const x = a as Record<string, JsonValue>;
      const y = b as Record<string, JsonValue>;
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
      for (const key of keys) {
        const at = `${path}${keyPath(key)}`;
        const inA = Object.prototype.hasOwnProperty.call(x, key);
        const inB = Object.prototype.hasOwnProperty.call(y, key);
        if (!inB) {
          push({ path: at, kind: "removed", before: x[key]! });
        } else if (!inA) {
          push({ path: at, kind: "added", after: y[key]! });
        } else {
          walk(at, x[key]!, y[key]!);
        }
      }
      return;
    }
    // Equal numbers that Object.is tells apart (0 and -0) are equal JSON.
    if (a !== b) {
      push({ path, kind: "changed", before: a, after: b });
    }
  };
  walk("$", before, after);
  return { changes, truncated };
}

function kindOf(value: JsonValue): "array" | "object" | "scalar" {
  if (Array.isArray(value)) {
    return "array";
  }
  return value !== null && typeof value === "object" ? "object" : "scalar";
}

function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** A value as one short line for a table cell (long values cut with "…"). */
export function shortJson(value: JsonValue | undefined, max = 80): string {
  if (value === undefined) {
    return "";
  }
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
