/**
 * Telling futures apart from values, with nothing of the runner behind it: the runner imports this,
 * not `future.ts`, so the two do not import each other.
 */
import type { Future } from "./future";

/** Marks futures; `Symbol.for`, so futures of every copy of the library are recognized. */
export const FUTURE_BRAND = Symbol.for("tsematic.future.v1");

/** Whether a value is a Tsematic future (from any copy of the library). */
export function isFuture(value: unknown): value is Future<unknown> {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as { [FUTURE_BRAND]?: boolean })[FUTURE_BRAND] === true
  );
}

/** Whether a value is a plain object (not a class instance): futures may hide in those and in arrays. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Appends every future inside `value` (arrays and plain objects, any depth) to `out`. */
export function collectFutures(value: unknown, out: Future<unknown>[]): void {
  if (isFuture(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectFutures(v, out);
  else if (isPlainObject(value)) for (const k in value) collectFutures(value[k], out);
}

/**
 * A copy of `value` with its futures replaced by `values`, given in the order {@link collectFutures}
 * found them: the runner awaits all the futures' promises at once, then builds the value here, with
 * no promise per future. Arrays and plain objects are copied (the caller's stay as they were).
 *
 * @example
 * ```ts
 * const found: Future<unknown>[] = [];
 * collectFutures(result, found);
 * const concrete = replaceFutures(result, await Promise.all(found.map((f) => f.promise)));
 * ```
 */
export function replaceFutures(value: unknown, values: readonly unknown[]): unknown {
  const cursor = { next: 0 };
  return replaceFrom(value, values, cursor);
}

function replaceFrom(
  value: unknown,
  values: readonly unknown[],
  cursor: { next: number },
): unknown {
  if (value === null || typeof value !== "object") return value;
  if (isFuture(value)) return values[cursor.next++];
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = replaceFrom(value[i], values, cursor);
    return out;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
    for (const key in value) out[key] = replaceFrom(value[key], values, cursor);
    return out;
  }
  return value;
}
