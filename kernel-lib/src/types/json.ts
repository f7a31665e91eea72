/**
 * The JSON-like artifact type, the fallback for plain data (configs, metrics, lists of records).
 *
 * Its bytes are canonical JSON, so equal values give equal bytes and therefore equal artifact ids
 * (cache hits): object keys are sorted, Map entries and Set elements are sorted by their encoding,
 * and nothing depends on insertion order.
 *
 * Values plain JSON cannot hold are written as tagged objects that round-trip exactly. A tag is an
 * object whose first key is `"$t"`:
 *
 * | value                        | encoding                                                   |
 * | ---------------------------- | ---------------------------------------------------------- |
 * | `undefined`                  | `{"$t":"undefined"}` (also for object properties and holes)|
 * | `NaN`, `Infinity`, `-0`      | `{"$t":"number","v":"NaN"}`                                |
 * | `12n`                        | `{"$t":"bigint","v":"12"}`                                 |
 * | `Date`                       | `{"$t":"Date","v":"2024-01-02T03:04:05.006Z"}` (invalid: `null`) |
 * | `Map`                        | `{"$t":"Map","v":[[key,value],...]}`                       |
 * | `Set`                        | `{"$t":"Set","v":[element,...]}`                           |
 * | typed arrays, `ArrayBuffer`  | `{"$t":"Float64Array","v":"<base64 of the bytes>"}`         |
 * | a plain object with a `$t` key | `{"$t":"object","v":{...the object...}}`                 |
 * | a branded helper value       | `{"$t":"brand","b":"tsematic.plot","v":{...its fields...}}` |
 * | a value of another artifact type (a registered class, an Arrow table) | `{"$t":"type","n":"example.vec","v":"<base64 of that type's bytes>"}` |
 *
 * Typed-array bytes are the platform's byte order: little-endian on every platform Node ships
 * binaries for except s390x.
 *
 * A class instance inside the data is stored by the artifact type that handles it (one registered
 * with `registerType()`, or a built-in one such as Arrow tables), found through the registry at any
 * depth, and comes back as that type's value.
 *
 * Functions, symbols, Promises and other thenables, WeakMap/WeakSet/WeakRef, class instances that
 * no type handles and circular references are rejected with an {@link UnserializableValueError} whose `path` locates
 * the value, e.g. `$.config.fn`. Shared (non-circular) references are written once per occurrence.
 */
import type { ArtifactSummary, ArtifactType } from "./artifact";
import { BRAND_PREFIX, brand, brandOf } from "./brand";
import { UnserializableValueError, describeValueType } from "./unserializable";
import { utf8Bytes } from "./utf8";

const TAG = "$t";

/**
 * The artifact types of a registry, as the JSON type sees them: for values inside JSON-like data
 * that JSON cannot hold (class instances), and to read them back.
 */
export interface NestedTypes {
  /** The type (never the JSON type itself) that handles a class instance, if any. */
  typeFor(value: object): ArtifactType | undefined;
  /** The type stored under `name`, if known. */
  byName(name: string): ArtifactType | undefined;
}

/** Typed arrays the tagged encoding knows, by their `Symbol.toStringTag`. */
const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
type TypedArray = InstanceType<(typeof TYPED_ARRAYS)[TypedArrayName]>;

const toStringTag = (value: object): string => Object.prototype.toString.call(value);

/**
 * A segment of the path to the value being encoded. Kept as a stack and only formatted when an
 * error needs it, so encoding a million-element array builds no path strings.
 */
type Segment = string | number | { text: string };

function formatPath(segments: readonly Segment[], length = segments.length): string {
  let path = "$";
  for (let i = 0; i < length; i++) {
    const s = segments[i]!;
    if (typeof s === "number") path += `[${s}]`;
    else if (typeof s === "object") path += s.text;
    else path += /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }
  return path;
}

/** Short label of a Map key inside a path: `.get("a")`, `.get(3)`, or `.get(<key 2>)`. */
function mapKeyLabel(key: unknown, index: number): string {
  if (typeof key === "string") return `.get(${JSON.stringify(key)})`;
  if (typeof key === "number" || typeof key === "boolean" || key === null) return `.get(${key})`;
  if (typeof key === "bigint") return `.get(${key}n)`;
  return `.get(<key ${index}>)`;
}

/** Whether `value` is a plain object: `{}` literal, `Object.create(null)`, or one from another realm. */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return true;
  // Objects made in another realm (a vm context) have that realm's Object.prototype.
  return (
    Object.getPrototypeOf(proto) === null &&
    (proto as { constructor?: { name?: string } }).constructor?.name === "Object"
  );
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Options of the plain (untagged) encoding, used where the bytes must be ordinary JSON. */
interface PlainOptions {
  /** What the value is, for error messages, e.g. "a Vega-Lite spec". */
  what: string;
}

class CanonicalEncoder {
  private readonly path: Segment[] = [];
  /** Objects on the path from the root to the current value, with their depth: cycle detection. */
  private readonly ancestors = new Map<object, number>();

  constructor(
    private readonly plain?: PlainOptions,
    private readonly types?: NestedTypes,
  ) {}

  encodeRoot(value: unknown): string {
    const text = this.encode(value);
    if (text === undefined) throw this.reject(value, `${this.plain?.what} cannot be undefined`);
    return text;
  }

  private reject(value: unknown, reason: string, valueType = describeValueType(value)) {
    return new UnserializableValueError(valueType, reason, formatPath(this.path));
  }

  private notPlain(value: unknown, hint: string) {
    return this.reject(value, `${this.plain!.what} must be plain JSON; ${hint}`);
  }

  private child(segment: Segment, value: unknown): string | undefined {
    this.path.push(segment);
    const text = this.encode(value);
    this.path.pop();
    return text;
  }

  /** Returns undefined only for `undefined` in plain mode, where object properties drop it. */
  private encode(value: unknown): string | undefined {
    switch (typeof value) {
      case "string":
        return JSON.stringify(value);
      case "number":
        return this.encodeNumber(value);
      case "boolean":
        return value ? "true" : "false";
      case "bigint":
        if (this.plain) throw this.notPlain(value, "convert the bigint to a number or string");
        return `{"${TAG}":"bigint","v":"${value}"}`;
      case "undefined":
        return this.plain ? undefined : `{"${TAG}":"undefined"}`;
      case "function": {
        const name = value.name ? `function ${value.name}` : "an anonymous function";
        throw this.reject(
          value,
          `${name} is code, not data; store what it computes instead, or register an artifact type with registerType()`,
        );
      }
      case "symbol":
        throw this.reject(
          value,
          `${String(value)} is an identity local to this process and cannot be stored`,
        );
      default:
        return value === null ? "null" : this.encodeObject(value as object);
    }
  }

  private encodeNumber(value: number): string {
    if (Number.isFinite(value) && !Object.is(value, -0)) return String(value);
    if (this.plain) {
      if (Object.is(value, -0)) return "0";
      throw this.notPlain(value, `${value} is not a JSON number; use null or a string`);
    }
    return `{"${TAG}":"number","v":"${Object.is(value, -0) ? "-0" : String(value)}"}`;
  }

  private encodeObject(value: object): string {
    if (typeof (value as { then?: unknown }).then === "function") {
      throw this.reject(
        value,
        "it is a pending value (a Promise or thenable): await it before returning or passing it",
      );
    }
    const seenAt = this.ancestors.get(value);
    if (seenAt !== undefined) {
      throw this.reject(
        value,
        `circular reference: it contains itself (it is ${formatPath(this.path, seenAt)} again)`,
      );
    }
    this.ancestors.set(value, this.path.length);
    try {
      if (Array.isArray(value)) return this.encodeArray(value);
      if (isPlainObject(value)) return this.encodePlainObject(value);
      return this.encodeSpecialObject(value);
    } finally {
      this.ancestors.delete(value);
    }
  }

  private encodeArray(value: unknown[]): string {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      const item = this.child(i, value[i]);
      if (item === undefined) {
        this.path.push(i);
        const err = this.notPlain(undefined, "undefined is not a JSON value; use null");
        this.path.pop();
        throw err;
      }
      out += i === 0 ? item : `,${item}`;
    }
    return `${out}]`;
  }

  private encodePlainObject(value: object): string {
    const symbols = Object.getOwnPropertySymbols(value);
    if (symbols.length > 0) {
      const brandKey = brandOf(value);
      for (const symbol of symbols) {
        if (Object.prototype.propertyIsEnumerable.call(value, symbol)) {
          throw this.reject(
            value,
            `it has the symbol-keyed property ${String(symbol)}, which cannot be stored; use a string key`,
          );
        }
      }
      if (brandKey !== undefined) {
        if (this.plain) throw this.notPlain(value, `a ${brandKey} value cannot be part of it`);
        return `{"${TAG}":"brand","b":${JSON.stringify(brandKey)},"v":${this.encodeFields(value)}}`;
      }
    }
    return this.encodeFields(value);
  }

  private encodeFields(value: object): string {
    const keys = Object.keys(value).sort(compareStrings);
    const record = value as Record<string, unknown>;
    let out = "{";
    let first = true;
    for (const key of keys) {
      const item = this.child(key, record[key]);
      if (item === undefined) continue;
      out += `${first ? "" : ","}${JSON.stringify(key)}:${item}`;
      first = false;
    }
    out += "}";
    // A user object that has a "$t" key would read back as a tag: wrap it to keep it data.
    if (!this.plain && keys.includes(TAG)) return `{"${TAG}":"object","v":${out}}`;
    return out;
  }

  private encodeSpecialObject(value: object): string {
    const tag = toStringTag(value);
    const typeName = describeValueType(value);
    if (tag === "[object Date]" && typeName === "Date") {
      const time = (value as Date).getTime();
      if (this.plain) throw this.notPlain(value, "convert the Date to a string with toISOString()");
      const iso = Number.isNaN(time) ? "null" : `"${(value as Date).toISOString()}"`;
      return `{"${TAG}":"Date","v":${iso}}`;
    }
    if (tag === "[object Map]" && typeName === "Map") {
      if (this.plain) throw this.notPlain(value, "convert the Map with Object.fromEntries()");
      return this.encodeMap(value as Map<unknown, unknown>);
    }
    if (tag === "[object Set]" && typeName === "Set") {
      if (this.plain) throw this.notPlain(value, "convert the Set to an array");
      return this.encodeSet(value as Set<unknown>);
    }
    if (tag === "[object WeakMap]" || tag === "[object WeakSet]" || tag === "[object WeakRef]") {
      throw this.reject(
        value,
        "its entries cannot be enumerated, so it cannot be stored; use a Map or Set",
      );
    }
    const typedName = tag.slice(8, -1);
    if (ArrayBuffer.isView(value) && typedName in TYPED_ARRAYS) {
      if (this.plain) throw this.notPlain(value, "convert the typed array with Array.from()");
      const view = value as TypedArray;
      const base64 = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("base64");
      return `{"${TAG}":"${typedName}","v":"${base64}"}`;
    }
    if (tag === "[object ArrayBuffer]") {
      if (this.plain) throw this.notPlain(value, "binary data is not JSON");
      return `{"${TAG}":"ArrayBuffer","v":"${Buffer.from(value as ArrayBuffer).toString("base64")}"}`;
    }
    if (tag === "[object Error]") {
      throw this.reject(
        value,
        "an Error inside data cannot be stored; return or throw it on its own, or store { name, message }",
      );
    }
    const nested = this.plain ? undefined : this.types?.typeFor(value);
    if (nested) return this.encodeNested(value, nested);
    throw this.reject(
      value,
      `only plain objects are stored, not class instances; convert it to a plain object, or register an artifact type for ${typeName} with registerType()`,
    );
  }

  /** A value of another artifact type inside the data: that type's bytes, tagged with its name. */
  private encodeNested(value: object, type: ArtifactType): string {
    let bytes: Uint8Array;
    try {
      bytes = type.serialize(value);
    } catch (err) {
      const reason = err instanceof UnserializableValueError ? err.reason : String(err);
      throw this.reject(value, `type "${type.name}" refused it: ${reason}`);
    }
    const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
    return `{"${TAG}":"type","n":${JSON.stringify(type.name)},"v":"${base64}"}`;
  }

  private encodeMap(value: Map<unknown, unknown>): string {
    const entries: [string, string][] = [];
    let index = 0;
    for (const [key, item] of value) {
      const keyText = this.child({ text: `.keys()[${index}]` }, key)!;
      const itemText = this.child({ text: mapKeyLabel(key, index) }, item)!;
      entries.push([keyText, itemText]);
      index++;
    }
    entries.sort((a, b) => compareStrings(a[0], b[0]) || compareStrings(a[1], b[1]));
    return `{"${TAG}":"Map","v":[${entries.map(([k, v]) => `[${k},${v}]`).join(",")}]}`;
  }

  private encodeSet(value: Set<unknown>): string {
    const items: string[] = [];
    let index = 0;
    for (const item of value) items.push(this.child({ text: `.values()[${index++}]` }, item)!);
    items.sort(compareStrings);
    return `{"${TAG}":"Set","v":[${items.join(",")}]}`;
  }
}

/**
 * Canonical tagged JSON text of a value (see the module documentation for the encoding).
 *
 * @example
 * ```ts
 * encodeCanonical({ b: 1, a: new Set([2, 1]) }); // '{"a":{"$t":"Set","v":[1,2]},"b":1}'
 * ```
 */
export function encodeCanonical(value: unknown, types?: NestedTypes): string {
  return new CanonicalEncoder(undefined, types).encodeRoot(value);
}

/**
 * Canonical plain JSON text (sorted keys, no tags): for bytes that other tools read as ordinary
 * JSON, such as Vega-Lite specs. Object properties whose value is `undefined` are left out, as
 * `JSON.stringify` does; every other non-JSON value is rejected with its path.
 *
 * @example
 * ```ts
 * encodeCanonicalPlain({ mark: "bar", title: undefined }, "a Vega-Lite spec"); // '{"mark":"bar"}'
 * ```
 */
export function encodeCanonicalPlain(value: unknown, what: string): string {
  return new CanonicalEncoder({ what }).encodeRoot(value);
}

function decodeTag(node: Record<string, unknown>, types: NestedTypes | undefined): unknown {
  const tag = node[TAG];
  const v = node.v;
  switch (tag) {
    case "undefined":
      return undefined;
    case "number":
      return v === "-0" ? -0 : Number(v);
    case "bigint":
      return BigInt(v as string);
    case "Date":
      return new Date(v === null ? NaN : (v as string));
    case "object":
      return decodeFields(v as Record<string, unknown>, types);
    case "brand": {
      const key = node.b;
      if (typeof key !== "string" || !key.startsWith(BRAND_PREFIX)) {
        throw new Error(`invalid tsematic JSON: unknown brand ${JSON.stringify(key)}`);
      }
      return brand(decodeNode(v, types) as object, key);
    }
    case "Map":
      return new Map(
        (v as [unknown, unknown][]).map(([k, x]) => [decodeNode(k, types), decodeNode(x, types)]),
      );
    case "Set":
      return new Set((v as unknown[]).map((x) => decodeNode(x, types)));
    case "type": {
      const name = node.n;
      const type = typeof name === "string" ? types?.byName(name) : undefined;
      if (!type) {
        throw new Error(
          `this JSON artifact holds a value of type ${JSON.stringify(name)}: register that type with registerType() before reading it`,
        );
      }
      return type.deserialize(new Uint8Array(Buffer.from(v as string, "base64")));
    }
    case "ArrayBuffer": {
      const bytes = Buffer.from(v as string, "base64");
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }
    default: {
      if (typeof tag === "string" && tag in TYPED_ARRAYS) {
        const Ctor = TYPED_ARRAYS[tag as TypedArrayName];
        const bytes = Buffer.from(v as string, "base64");
        if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
          throw new Error(`invalid tsematic JSON: ${tag} of ${bytes.byteLength} bytes`);
        }
        // A fresh array rather than a view of `bytes`: its buffer is aligned and owned.
        const out = new Ctor(bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
        new Uint8Array(out.buffer).set(bytes);
        return out;
      }
      throw new Error(
        `invalid tsematic JSON: unknown tag ${JSON.stringify(tag)} (written by a newer tsematic?)`,
      );
    }
  }
}

/** Decodes the values of a parsed object in place (keys are data, never tags). */
function decodeFields(
  node: Record<string, unknown>,
  types: NestedTypes | undefined,
): Record<string, unknown> {
  for (const key of Object.keys(node)) {
    const item = node[key];
    // Own data property assignment: safe for a "__proto__" key, which JSON.parse made an own property.
    if (item !== null && typeof item === "object") node[key] = decodeNode(item, types);
  }
  return node;
}

function decodeNode(node: unknown, types: NestedTypes | undefined): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (item !== null && typeof item === "object") node[i] = decodeNode(item, types);
    }
    return node;
  }
  const record = node as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, TAG)) return decodeTag(record, types);
  return decodeFields(record, types);
}

/**
 * Reads text written by {@link encodeCanonical} back into the value.
 *
 * @example
 * ```ts
 * decodeCanonical('{"$t":"bigint","v":"12"}'); // 12n
 * ```
 */
export function decodeCanonical(text: string, types?: NestedTypes): unknown {
  return decodeNode(JSON.parse(text), types);
}

const PREVIEW_LIMIT = 200;
const PREVIEW_DEPTH = 4;
/** Above this size Map and Set previews keep insertion order instead of paying for a sort. */
const SORTED_PREVIEW_LIMIT = 1000;

/** A bounded, human-readable rendering (JavaScript-like, canonical order), for the UI. */
class Previewer {
  text = "";
  truncated = false;

  /** `label` renders some objects as given text (a composite's parts as `<arrow.table>`). */
  constructor(private readonly label?: (value: object) => string | undefined) {}

  private emit(part: string): boolean {
    if (this.truncated) return false;
    const room = PREVIEW_LIMIT - this.text.length;
    if (part.length > room) {
      this.text += part.slice(0, room);
      this.truncated = true;
      return false;
    }
    this.text += part;
    return true;
  }

  write(value: unknown, depth: number): void {
    if (this.truncated) return;
    switch (typeof value) {
      case "string":
        this.emit(
          JSON.stringify(value.length > PREVIEW_LIMIT ? value.slice(0, PREVIEW_LIMIT) : value),
        );
        return;
      case "number":
        this.emit(Object.is(value, -0) ? "-0" : String(value));
        return;
      case "bigint":
        this.emit(`${value}n`);
        return;
      case "object":
        if (value === null) this.emit("null");
        else this.writeObject(value, depth);
        return;
      default:
        this.emit(String(value));
    }
  }

  private writeItems(items: Iterable<unknown>, open: string, close: string, depth: number): void {
    if (!this.emit(open)) return;
    let first = true;
    for (const item of items) {
      if (!first && !this.emit(", ")) return;
      first = false;
      this.write(item, depth + 1);
      if (this.truncated) return;
    }
    this.emit(close);
  }

  private writeObject(value: object, depth: number): void {
    const label = this.label?.(value);
    if (label !== undefined) {
      this.emit(label);
      return;
    }
    const tag = toStringTag(value);
    if (depth >= PREVIEW_DEPTH) {
      this.emit(Array.isArray(value) ? "[…]" : "{…}");
      return;
    }
    if (Array.isArray(value)) return this.writeItems(value, "[", "]", depth);
    if (tag === "[object Date]") {
      const date = value as Date;
      this.emit(Number.isNaN(date.getTime()) ? "Invalid Date" : date.toISOString());
      return;
    }
    if (tag === "[object Map]") {
      const map = value as Map<unknown, unknown>;
      const entries = canonicalOrder([...map.entries()], (e) => e[0]);
      if (!this.emit(`Map(${map.size}) {`)) return;
      let first = true;
      for (const [key, item] of entries) {
        if (!first && !this.emit(", ")) return;
        first = false;
        this.write(key, depth + 1);
        if (!this.emit(" => ")) return;
        this.write(item, depth + 1);
        if (this.truncated) return;
      }
      this.emit("}");
      return;
    }
    if (tag === "[object Set]") {
      const set = value as Set<unknown>;
      return this.writeItems(
        canonicalOrder([...set], (x) => x),
        `Set(${set.size}) {`,
        "}",
        depth,
      );
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const view = value as TypedArray;
      const name = tag.slice(8, -1);
      return this.writeItems(view.subarray(0, 50), `${name}(${view.length}) [`, "]", depth);
    }
    if (tag === "[object ArrayBuffer]") {
      this.emit(`ArrayBuffer(${(value as ArrayBuffer).byteLength})`);
      return;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort(compareStrings);
    if (!this.emit("{")) return;
    keys.forEach((key, i) => {
      if (this.truncated) return;
      const label = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
      if (!this.emit(`${i === 0 ? "" : ", "}${label}: `)) return;
      this.write(record[key], depth + 1);
    });
    this.emit("}");
  }
}

/** Items sorted as the encoding sorts them, so equal values preview identically. */
function canonicalOrder<T>(items: T[], keyOf: (item: T) => unknown): T[] {
  if (items.length > SORTED_PREVIEW_LIMIT) return items;
  const keyed = items.map((item) => ({ item, key: encodeCanonical(keyOf(item)) }));
  keyed.sort((a, b) => compareStrings(a.key, b.key));
  return keyed.map((k) => k.item);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  if (Array.isArray(value)) return "array";
  const tag = toStringTag(value);
  if (tag === "[object Date]") return "date";
  if (tag === "[object Map]") return "map";
  if (tag === "[object Set]") return "set";
  if (ArrayBuffer.isView(value)) return "typed-array";
  if (tag === "[object ArrayBuffer]") return "array-buffer";
  return "object";
}

/**
 * The summary the UI shows for JSON-like data: `kind`, a `preview` of at most 200 characters
 * (`truncated` says whether it was cut) and the size that fits the kind.
 *
 * @example
 * ```ts
 * summarizeJson({ lr: 0.1, layers: [64, 32] });
 * // { kind: "object", preview: "{layers: [64, 32], lr: 0.1}", truncated: false,
 * //   keyCount: 2, keys: ["layers", "lr"] }
 * ```
 */
export function summarizeJson(
  value: unknown,
  label?: (value: object) => string | undefined,
): ArtifactSummary {
  const previewer = new Previewer(label);
  previewer.write(value, 0);
  const kind = kindOf(value);
  const summary: ArtifactSummary = {
    kind,
    preview: previewer.truncated ? `${previewer.text}…` : previewer.text,
    truncated: previewer.truncated,
  };
  if (typeof value === "string" || Array.isArray(value)) {
    summary.length = value.length;
  } else if (kind === "map" || kind === "set") {
    summary.size = (value as Set<unknown>).size;
  } else if (kind === "typed-array") {
    summary.length = (value as TypedArray).length;
    summary.dtype = toStringTag(value as object).slice(8, -1);
  } else if (kind === "array-buffer") {
    summary.byteLength = (value as ArrayBuffer).byteLength;
  } else if (kind === "object") {
    const keys = Object.keys(value as object).sort(compareStrings);
    summary.keyCount = keys.length;
    summary.keys = keys.slice(0, 20);
  }
  return summary;
}

/**
 * The JSON-like type of a registry, which stores class instances inside the data with the
 * registry's types (see {@link NestedTypes}). It is tried last and accepts every value, so that a
 * value nothing else handles is rejected here, with the path and reason, rather than with a bare
 * "no type".
 *
 * @example
 * ```ts
 * const json = jsonTypeWith({ typeFor: (v) => (v instanceof Vec ? vecType : undefined),
 *   byName: (n) => (n === vecType.name ? vecType : undefined) });
 * json.deserialize(json.serialize([1, [new Vec([2])]])); // [1, [Vec { xs: [2] }]]
 * ```
 */
export function jsonTypeWith(types: NestedTypes | undefined): ArtifactType<unknown> {
  return {
    name: "json",
    mediaType: "application/json",
    matches: (_value: unknown): _value is unknown => true,
    serialize: (value) => utf8Bytes(encodeCanonical(value, types)),
    deserialize: (bytes) => decodeCanonical(new TextDecoder().decode(bytes), types),
    summarize: (value) => summarizeJson(value),
  };
}

/** The built-in JSON-like type on its own (a registry uses its own {@link jsonTypeWith}). */
export const jsonType: ArtifactType<unknown> = jsonTypeWith(undefined);
