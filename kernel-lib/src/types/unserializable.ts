/** The error for values that cannot become artifacts, and the type names it reports. */

const ERROR_BRAND = Symbol.for("tsematic.UnserializableValueError");

/**
 * Thrown when no type accepts a value or its type refuses it. The runner adds step and parameter.
 *
 * `path` locates the offending part inside the value (`$` is the value itself, e.g.
 * `$.config.fn`); `valueType` is the type of that part. `instanceof` works across two copies of
 * the library: the check looks for a registered-symbol brand rather than this class's identity.
 *
 * @example
 * ```ts
 * try {
 *   defaultRegistry().toArtifact({ config: { fn: () => 1 } });
 * } catch (err) {
 *   if (err instanceof UnserializableValueError) console.log(err.path); // "$.config.fn"
 * }
 * ```
 */
export class UnserializableValueError extends Error {
  /** Why, and where when the offending part is nested: what a step-level error message quotes. */
  readonly reason: string;

  constructor(
    readonly valueType: string,
    reason: string,
    readonly path?: string,
  ) {
    const where = path && path !== "$" ? ` at ${path}` : "";
    super(`cannot serialize a value of type ${valueType}${where}: ${reason}`);
    this.name = "UnserializableValueError";
    this.reason = where ? `${valueType}${where}: ${reason}` : reason;
    Object.defineProperty(this, ERROR_BRAND, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[ERROR_BRAND] === true
    );
  }
}

/**
 * A human name for a value's runtime type, for error messages.
 *
 * @example
 * ```ts
 * describeValueType(new Map()); // "Map"
 * describeValueType(() => 1);   // "function"
 * ```
 */
export function describeValueType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  return ctor?.name ? ctor.name : "object";
}
