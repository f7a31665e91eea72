/**
 * Composite values: arrays and plain objects that hold values of other artifact types (tables,
 * plots, images, bytes, registered classes), such as an ML step's `{ model, metrics, table }`.
 *
 * Each part is its own content-addressed artifact of its own type (a table inside an object has
 * the id it has returned alone), stored and shown with that type's view. The composite's bytes
 * are one header line, `{"parts":[{"id","type","size"}...],"skeleton":<canonical JSON>}`, where
 * the skeleton is the value with each part replaced by a reference to its index, followed by the
 * parts' bytes in order: the composite reads back on its own (a job, a cache hit) while its
 * parts stay addressable by id. Decoding gives fresh objects each time, so a stored value never
 * changes.
 *
 * @example
 * ```ts
 * const artifact = defaultRegistry().toArtifact({ table, chart: plot({ mark: "bar" }) });
 * artifact.typeName;            // "composite"
 * artifact.parts?.[0]?.id;      // the id of `chart` stored alone ("$.chart" sorts first)
 * ```
 */
import type { Artifact, ArtifactSummary, ArtifactType, JsonValue } from "./artifact";
import { brandOf } from "./brand";
import { decodeCanonical, encodeCanonical, summarizeJson, type NestedTypes } from "./json";
import { UnserializableValueError, describeValueType } from "./unserializable";

/** The type name of composite artifacts. */
export const COMPOSITE_TYPE = "composite";
/** Parts deeper than this many arrays and objects are refused (a clear error, not a stack overflow). */
export const MAX_COMPOSITE_DEPTH = 16;
/** At most this many parts in one composite value. */
export const MAX_COMPOSITE_PARTS = 1000;

/** The nested-type name of a part reference inside a composite's skeleton. */
const PART_REF = "tsematic.composite.part";

/** What a composite needs of its registry: the types of parts, and artifacts made of them. */
export interface CompositeTypes {
  /** The type of a part (never JSON, never composite), if the value is one. */
  partTypeOf(value: object): ArtifactType | undefined;
  /** The types that may appear inside the skeleton's JSON (Maps, Sets of class instances). */
  nested: NestedTypes;
  toArtifact(value: unknown): Artifact;
  fromBytes(typeName: string, bytes: Uint8Array): unknown;
}

/** Where a part sits in the value, e.g. `$.table` or `$.runs[2].chart`. */
interface PartPlace {
  path: string;
  value: object;
}

class PartRef {
  constructor(readonly index: number) {}
}

const isPlainObject = (value: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
};

/** Arrays and plain (unbranded) objects are the containers a composite looks into. */
function isContainer(value: unknown): value is object {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return true;
  return isPlainObject(value) && brandOf(value) === undefined;
}

const segment = (key: string | number): string =>
  typeof key === "number"
    ? `[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `.${key}`
      : `[${JSON.stringify(key)}]`;

/**
 * The objects inside a composite value's arrays and plain objects that are not containers
 * themselves (its parts, among them), up to the depth parts may sit at. The runner records the
 * step that returned the composite as their producer: passing `out.table` on is data flowing.
 *
 * @example
 * ```ts
 * [...innerObjects({ table, scores: [1, 2] })]; // [table]
 * ```
 */
export function* innerObjects(value: unknown, depth = 0): Generator<object> {
  if (!isContainer(value) || depth > MAX_COMPOSITE_DEPTH) return;
  for (const item of Object.values(value) as unknown[]) {
    if (item === null || typeof item !== "object") continue;
    if (isContainer(item)) yield* innerObjects(item, depth + 1);
    else yield item;
  }
}

/** Whether a container holds a part anywhere inside (no limits: the encoder reports those). */
function holdsPart(value: object, types: CompositeTypes, ancestors: Set<object>): boolean {
  if (ancestors.has(value)) return false; // a cycle: the JSON encoder rejects it with its path
  ancestors.add(value);
  try {
    for (const item of Object.values(value) as unknown[]) {
      if (item === null || typeof item !== "object") continue;
      if (isContainer(item) ? holdsPart(item, types, ancestors) : types.partTypeOf(item)) {
        return true;
      }
    }
    return false;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * The skeleton of `value` (containers copied, parts replaced by references) and its parts, in
 * the order the canonical encoding meets them (sorted keys), so equal values give equal bytes.
 */
function split(value: object, types: CompositeTypes): { skeleton: unknown; parts: PartPlace[] } {
  const parts: PartPlace[] = [];
  const ancestors = new Set<object>();
  const visit = (node: unknown, path: string, depth: number): unknown => {
    if (node === null || typeof node !== "object") return node;
    if (!isContainer(node)) {
      if (!types.partTypeOf(node)) return node;
      if (depth > MAX_COMPOSITE_DEPTH) {
        throw new UnserializableValueError(
          describeValueType(node),
          `it is nested ${depth} levels deep; a composite value holds parts at most ${MAX_COMPOSITE_DEPTH} levels deep: flatten the structure`,
          path,
        );
      }
      if (parts.length >= MAX_COMPOSITE_PARTS) {
        throw new UnserializableValueError(
          describeValueType(node),
          `a composite value holds at most ${MAX_COMPOSITE_PARTS} parts: return the parts from separate steps, or combine them (e.g. one table)`,
          path,
        );
      }
      parts.push({ path, value: node });
      return new PartRef(parts.length - 1);
    }
    if (ancestors.has(node)) return node; // left as is: the encoder names the cycle
    ancestors.add(node);
    try {
      if (Array.isArray(node)) {
        const out: unknown[] = new Array(node.length);
        for (let i = 0; i < node.length; i++) out[i] = visit(node[i], path + segment(i), depth + 1);
        return out;
      }
      const out: Record<string, unknown> = {};
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record).sort()) {
        // defineProperty: a "__proto__" key stays an own property, as in the value.
        Object.defineProperty(out, key, {
          value: visit(record[key], path + segment(key), depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    } finally {
      ancestors.delete(node);
    }
  };
  const skeleton = visit(value, "$", 0);
  return { skeleton, parts };
}

/** A part as the composite's header and summary list it. */
interface PartEntry {
  id: string;
  type: string;
  size: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** The parts of composite bytes just serialized, for the registry to store beside them. */
const partsOfBytes = new WeakMap<Uint8Array, Artifact[]>();

/**
 * The part artifacts of bytes a composite type just serialized (and forgets them).
 *
 * @example
 * ```ts
 * const bytes = type.serialize(value);
 * const parts = takeCompositeParts(bytes); // Artifact[] or undefined
 * ```
 */
export function takeCompositeParts(bytes: Uint8Array): Artifact[] | undefined {
  const parts = partsOfBytes.get(bytes);
  partsOfBytes.delete(bytes);
  return parts;
}

function readHeader(bytes: Uint8Array): {
  header: { parts: PartEntry[]; skeleton: string };
  start: number;
} {
  const end = bytes.indexOf(0x0a);
  if (end < 0) throw new Error("invalid composite artifact: no header line");
  const header = JSON.parse(decoder.decode(bytes.subarray(0, end))) as {
    parts: PartEntry[];
    skeleton: string;
  };
  return { header, start: end + 1 };
}

/** A part shown in the summary: `{ path, id, typeName, size }`. */
function partSummary(entry: PartEntry, path: string): JsonValue {
  return { path, id: entry.id, typeName: entry.type, size: entry.size };
}

/**
 * The composite type of a registry; tried before JSON, it takes the arrays and plain objects
 * that hold at least one part.
 *
 * @example
 * ```ts
 * const type = compositeTypeWith(types);
 * type.deserialize(type.serialize({ t: table })); // { t: Table } (a fresh table)
 * ```
 */
export function compositeTypeWith(types: CompositeTypes): ArtifactType<object> {
  return {
    name: COMPOSITE_TYPE,
    mediaType: "application/vnd.tsematic.composite",
    matches: (value: unknown): value is object =>
      isContainer(value) && holdsPart(value, types, new Set()),
    serialize(value) {
      const { skeleton, parts } = split(value, types);
      const artifacts = parts.map((p) => {
        try {
          return types.toArtifact(p.value);
        } catch (err) {
          if (err instanceof UnserializableValueError) {
            throw new UnserializableValueError(err.valueType, err.reason, p.path);
          }
          throw err;
        }
      });
      const refType: ArtifactType<PartRef> = {
        name: PART_REF,
        mediaType: "text/plain",
        matches: (v): v is PartRef => v instanceof PartRef,
        serialize: (ref) => encoder.encode(String(ref.index)),
        // Only written here: reading resolves references to the decoded parts (deserialize below).
        deserialize: () => {
          throw new Error("a part reference is read by the composite type only");
        },
        summarize: () => ({}),
      };
      const nested: NestedTypes = {
        typeFor: (v) =>
          v instanceof PartRef ? (refType as ArtifactType) : types.nested.typeFor(v),
        byName: (name) => types.nested.byName(name),
      };
      const entries: PartEntry[] = artifacts.map((a) => ({
        id: a.id,
        type: a.typeName,
        size: a.size,
      }));
      const head = encoder.encode(
        `${JSON.stringify({ parts: entries, skeleton: encodeCanonical(skeleton, nested) })}\n`,
      );
      const bytes = new Uint8Array(head.byteLength + artifacts.reduce((n, a) => n + a.size, 0));
      bytes.set(head, 0);
      let at = head.byteLength;
      for (const a of artifacts) {
        bytes.set(a.bytes, at);
        at += a.size;
      }
      partsOfBytes.set(bytes, artifacts);
      return bytes;
    },
    deserialize(bytes) {
      const { header, start } = readHeader(bytes);
      let at = start;
      // Copies: a part's bytes are its own, so a decoded part never shares the stored buffer.
      const values = header.parts.map((p) => {
        const value = types.fromBytes(p.type, bytes.slice(at, at + p.size));
        at += p.size;
        return value;
      });
      const nested: NestedTypes = {
        typeFor: (v) => types.nested.typeFor(v),
        byName: (name) =>
          name === PART_REF
            ? ({
                name: PART_REF,
                mediaType: "text/plain",
                matches: (): boolean => false,
                serialize: () => new Uint8Array(),
                deserialize: (b: Uint8Array) => values[Number(decoder.decode(b))],
                summarize: () => ({}),
              } as unknown as ArtifactType)
            : types.nested.byName(name),
      };
      return decodeCanonical(header.skeleton, nested) as object;
    },
    summarize(value, bytes): ArtifactSummary {
      const { header } = readHeader(bytes);
      const { skeleton, parts } = split(value, types);
      const paths = parts.map((p) => p.path);
      const base = summarizeJson(skeleton, (v) =>
        v instanceof PartRef ? `<${header.parts[v.index]?.type ?? "part"}>` : undefined,
      );
      return {
        ...base,
        partCount: header.parts.length,
        parts: header.parts.map((p, i) => partSummary(p, paths[i] ?? "$")),
      };
    },
  };
}
