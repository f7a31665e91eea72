/**
 * Brands for the values that helpers such as `plot()`, `image()` and `markdown()` return.
 *
 * A brand is a non-enumerable property keyed by a registered symbol (`Symbol.for`): the registry of
 * symbols is shared by the whole JavaScript realm, so a value made by one copy of this library is
 * recognised by another copy (notebook cells can load the library twice). Being non-enumerable,
 * the brand stays out of `Object.keys`, spreads and `assert.deepStrictEqual`.
 */

/** Every brand key starts with this prefix, which lets the JSON type recognise brands generically. */
export const BRAND_PREFIX = "tsematic.";

/**
 * Marks `value` with the brand `key` (e.g. `tsematic.plot`) and returns it.
 *
 * @example
 * ```ts
 * const p = brand({ spec }, "tsematic.plot");
 * hasBrand(p, "tsematic.plot"); // true
 * ```
 */
export function brand<T extends object>(value: T, key: string): T {
  Object.defineProperty(value, Symbol.for(key), { value: true, enumerable: false });
  return value;
}

/**
 * Whether `value` carries the brand `key`.
 *
 * @example
 * ```ts
 * hasBrand(plot({ mark: "bar" }), "tsematic.plot"); // true
 * ```
 */
export function hasBrand(value: unknown, key: string): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[Symbol.for(key)] === true
  );
}

/**
 * The key of the first Tsematic brand on `value`, or undefined when it has none.
 *
 * @example
 * ```ts
 * brandOf(markdown("# Hi")); // "tsematic.markdown"
 * ```
 */
export function brandOf(value: object): string | undefined {
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    const key = Symbol.keyFor(symbol);
    if (key?.startsWith(BRAND_PREFIX) && (value as Record<symbol, unknown>)[symbol] === true) {
      return key;
    }
  }
  return undefined;
}
