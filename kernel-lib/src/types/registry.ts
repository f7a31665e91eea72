/**
 * The type registry: picks an {@link ArtifactType} by the runtime value and turns values into
 * artifacts. One registry per process, kept on `globalThis` so notebook cells that re-import the
 * library share the types users registered.
 */
import { contentId } from "../hash";
import type { Artifact, ArtifactSummary, ArtifactType } from "./artifact";
import { BUILTIN_TYPES } from "./builtin";
import { compositeTypeWith, takeCompositeParts, COMPOSITE_TYPE } from "./composite";
import { takeContentId } from "./content-hasher";
import { jsonType, jsonTypeWith, type NestedTypes } from "./json";
import { UnserializableValueError, describeValueType } from "./unserializable";

// Defined in their own module so that type modules can throw them without importing the registry
// (which imports every built-in type): re-exported here, where the public API has them.
export { UnserializableValueError, describeValueType };

/**
 * Chooses an artifact type for each value (user types first, newest first, then the built-in
 * ones) and turns values into content-addressed artifacts and back. Use {@link defaultRegistry}
 * for the process-wide one; a separate instance is useful in tests.
 *
 * @example
 * ```ts
 * const registry = defaultRegistry();
 * const artifact = registry.toArtifact({ lr: 0.1 });  // typeName "json", id, summary, bytes
 * registry.fromBytes(artifact.typeName, artifact.bytes); // { lr: 0.1 }
 * ```
 */
export class TypeRegistry {
  private readonly userTypes: ArtifactType[] = [];
  private readonly byName = new Map<string, ArtifactType>();
  private readonly builtins: readonly ArtifactType[];

  constructor(builtins: readonly ArtifactType[]) {
    // The JSON type asks this registry for the types of class instances inside the data.
    const nested: NestedTypes = {
      typeFor: (value) => this.nestedTypeOf(value),
      byName: (name) => this.byName.get(name),
    };
    // Arrays and objects holding tables, plots, bytes... are composites of those parts: tried
    // just before JSON, which takes the rest.
    const composite = compositeTypeWith({
      partTypeOf: (value) => this.partTypeOf(value),
      nested,
      toArtifact: (value) => this.toArtifact(value),
      fromBytes: (name, bytes) => this.fromBytes(name, bytes),
    });
    this.builtins = builtins.flatMap((t) =>
      t === jsonType ? [composite as ArtifactType, jsonTypeWith(nested)] : [t],
    );
    for (const t of this.builtins) this.byName.set(t.name, t);
  }

  /** The type of a value inside JSON-like data: user types first, then built-ins, never JSON. */
  private nestedTypeOf(value: object): ArtifactType | undefined {
    for (const t of this.userTypes) if (t.name !== "json" && t.matches(value)) return t;
    for (const t of this.builtins) if (t.name !== "json" && t.matches(value)) return t;
    return undefined;
  }

  /**
   * The type of a part of a composite value: any type but JSON and composite (whose values are
   * the containers) and errors (an Error inside data is refused, as the JSON type explains).
   */
  private partTypeOf(value: object): ArtifactType | undefined {
    const type = this.nestedTypeOf(value);
    return type && type.name !== COMPOSITE_TYPE && type.name !== "error" ? type : undefined;
  }

  /**
   * Adds a user type; it takes precedence over built-in types and earlier user types.
   *
   * @example
   * ```ts
   * registry.register(myModelType); // see registerType() for a whole type
   * ```
   */
  register<T>(type: ArtifactType<T>): void {
    if (!type.name || typeof type.name !== "string") {
      throw new TypeError("registerType: a type needs a non-empty string `name`");
    }
    for (const key of ["matches", "serialize", "deserialize", "summarize"] as const) {
      if (typeof type[key] !== "function") {
        throw new TypeError(`registerType: type "${type.name}" is missing the function \`${key}\``);
      }
    }
    const existing = this.userTypes.findIndex((t) => t.name === type.name);
    // Re-running a notebook cell re-registers the same type: replace rather than stack copies.
    if (existing >= 0) this.userTypes.splice(existing, 1);
    this.userTypes.unshift(type as ArtifactType);
    this.byName.set(type.name, type as ArtifactType);
  }

  /**
   * The type that handles `value`, or throws {@link UnserializableValueError}.
   *
   * @example
   * ```ts
   * registry.typeOf(new Uint8Array(4)).name; // "binary"
   * ```
   */
  typeOf(value: unknown): ArtifactType {
    for (const t of this.userTypes) if (t.matches(value)) return t;
    for (const t of this.builtins) if (t.matches(value)) return t;
    throw new UnserializableValueError(
      describeValueType(value),
      "no artifact type matches it; register one with registerType()",
    );
  }

  /**
   * The type registered under `name`, or undefined.
   *
   * @example
   * ```ts
   * registry.get("arrow.table")?.mediaType; // "application/vnd.apache.arrow.stream"
   * ```
   */
  get(name: string): ArtifactType | undefined {
    return this.byName.get(name);
  }

  /**
   * Serializes, summarizes and content-addresses a value. Throws
   * {@link UnserializableValueError} (with the path of the offending part) when it cannot.
   *
   * @example
   * ```ts
   * const a = registry.toArtifact({ b: 1, a: 2 });
   * a.id === registry.toArtifact({ a: 2, b: 1 }).id; // true: key order does not matter
   * ```
   */
  toArtifact(value: unknown): Artifact {
    const type = this.typeOf(value);
    let bytes: Uint8Array;
    try {
      bytes = type.serialize(value);
    } catch (err) {
      if (err instanceof UnserializableValueError) throw err;
      throw new UnserializableValueError(
        describeValueType(value),
        `type "${type.name}" refused it: ${errorText(err)}`,
      );
    }
    // Summarize before taking the id: a large artifact's hash may still be finishing on another
    // core (see content-hasher.ts), and summarizing overlaps with it.
    const summary = summarizeSafely(type, value, bytes);
    const parts = takeCompositeParts(bytes);
    return {
      id: takeContentId(type.name, bytes) ?? contentId(type.name, bytes),
      typeName: type.name,
      mediaType: type.mediaType,
      size: bytes.byteLength,
      summary,
      bytes,
      ...(parts ? { parts } : {}),
    };
  }

  /**
   * Decodes an artifact's bytes with the type it was stored under.
   *
   * @example
   * ```ts
   * const table = registry.fromBytes("arrow.table", bytes) as Table;
   * ```
   */
  fromBytes(typeName: string, bytes: Uint8Array): unknown {
    const type = this.byName.get(typeName);
    if (!type) {
      throw new Error(
        `unknown artifact type "${typeName}": register it with registerType() before reading this artifact`,
      );
    }
    return type.deserialize(bytes);
  }
}

/**
 * A type's summary, or a note of why there is none: the value is stored all the same, since a
 * summary only decorates the UI and a faulty one must not fail the step.
 */
function summarizeSafely(type: ArtifactType, value: unknown, bytes: Uint8Array): ArtifactSummary {
  try {
    return type.summarize(value, bytes);
  } catch (err) {
    return { summaryError: `type "${type.name}" could not summarize it: ${errorText(err)}` };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const REGISTRY_KEY = Symbol.for("tsematic.typeRegistry.v1");

/**
 * The process-wide registry (survives re-imports of the library in notebook cells).
 *
 * @example
 * ```ts
 * const { id, summary } = defaultRegistry().toArtifact(tableFromArrays({ x: [1, 2] }));
 * ```
 */
export function defaultRegistry(): TypeRegistry {
  const g = globalThis as unknown as Record<symbol, TypeRegistry | undefined>;
  let registry = g[REGISTRY_KEY];
  if (!registry) {
    registry = new TypeRegistry(BUILTIN_TYPES);
    g[REGISTRY_KEY] = registry;
  }
  return registry;
}

/**
 * Registers a user artifact type, tried before the built-in ones.
 *
 * @example
 * ```ts
 * registerType<Model>({ name: "my.model", mediaType: "application/json",
 *   matches: (v): v is Model => v instanceof Model,
 *   serialize: (m) => new TextEncoder().encode(JSON.stringify(m.weights)),
 *   deserialize: (b) => new Model(JSON.parse(new TextDecoder().decode(b))),
 *   summarize: (m) => ({ parameters: m.weights.length }) });
 * ```
 */
export function registerType<T>(type: ArtifactType<T>): void {
  defaultRegistry().register(type);
}
