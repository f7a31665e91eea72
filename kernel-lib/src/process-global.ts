/**
 * Process-wide singletons shared by every copy of the library: a notebook that re-imports tsematic
 * (or two packages that each bundle a copy) must still see one run context, one type registry, one
 * step registry, one set of runner hooks.
 */

/**
 * The value stored on `globalThis` under `Symbol.for(key)`, made by `make()` the first time. Put a
 * version in the key (`"tsematic.stepRegistry.v1"`): a copy of the library whose value has another
 * shape uses another key instead of misreading this one.
 *
 * @example
 * ```ts
 * const counters = processGlobal("tsematic.example.v1", () => new Map<string, number>());
 * ```
 */
export function processGlobal<T>(key: string, make: () => T): T {
  const slots = globalThis as unknown as Record<symbol, T | undefined>;
  const symbol = Symbol.for(key);
  let value = slots[symbol];
  if (value === undefined) {
    value = make();
    slots[symbol] = value;
  }
  return value;
}
