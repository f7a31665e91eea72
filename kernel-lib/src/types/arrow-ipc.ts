/**
 * Arrow tables to IPC stream bytes with a single copy of the data, and tables made by another
 * copy of apache-arrow turned into this copy's classes.
 *
 * `tableToIPC` gathers every message and body buffer in a queue, then joins them: a second pass
 * over the data. Here the messages are measured first, the output is allocated once, and each
 * body buffer is copied straight into place, in slices that are handed to a content hasher while
 * they are still in cache (see `content-hasher.ts`). The bytes are the ones `tableToIPC(table,
 * "stream")` writes (no compression), except that batches without rows are left out, so a table
 * with and without empty batches serializes the same.
 */
import {
  Binary,
  BinaryView,
  Bool,
  Data,
  DataType,
  Date_,
  Decimal,
  Dictionary,
  Duration,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float,
  Int,
  Interval,
  LargeBinary,
  LargeList,
  LargeUtf8,
  List,
  Map_,
  Null,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Time,
  Timestamp,
  Type,
  Union,
  Utf8,
  Utf8View,
  Vector,
} from "apache-arrow";
import {
  DictionaryBatch,
  Message,
  RecordBatch as RecordBatchHeader,
} from "apache-arrow/ipc/metadata/message";
import { VectorAssembler } from "apache-arrow/visitor/vectorassembler";
import type { ContentHasher } from "./content-hasher";
import { hasArrowTableShape } from "./arrow-shape";

/** Body buffers are copied (and hashed) in slices of this size, to keep the hasher busy early. */
const COPY_SLICE_BYTES = 1 << 20;

/** A framed flatbuffer message followed by its body, as laid out in the stream. */
interface Part {
  metadata: Uint8Array;
  /** Continuation marker + length prefix + flatbuffer + padding to 8 bytes. */
  metadataSize: number;
  body?: VectorAssembler;
}

function messagePart(message: Message, body?: VectorAssembler): Part {
  const metadata = Message.encode(message);
  return { metadata, metadataSize: (metadata.byteLength + 8 + 7) & ~7, body };
}

function assemble(batch: RecordBatch | Vector): VectorAssembler {
  return VectorAssembler.assemble(batch as RecordBatch);
}

/** The messages of a table, in stream order: schema, then dictionaries before the batches using them. */
function tableParts(table: Table): Part[] {
  const parts = [messagePart(Message.from(table.schema))];
  // Which dictionary chunks were written, per dictionary id: as RecordBatchWriter tracks them.
  const written = new Map<number, { first: Data | undefined; count: number }>();
  for (const batch of table.batches) {
    if (batch.numRows === 0) continue;
    for (const [id, dictionary] of batch.dictionaries) {
      const chunks = dictionary?.data ?? [];
      const previous = written.get(id);
      let fresh: readonly Data[] = [];
      let delta = false;
      if (!previous || previous.first !== chunks[0]) {
        fresh = chunks;
      } else if (previous.count < chunks.length) {
        fresh = chunks.slice(previous.count);
        delta = true;
      }
      fresh.forEach((chunk, i) => {
        const body = assemble(new Vector([chunk]));
        const header = new RecordBatchHeader(
          chunk.length,
          body.nodes,
          body.bufferRegions,
          null,
          body.variadicBufferCounts,
        );
        const message = Message.from(
          new DictionaryBatch(header, id, delta || i > 0),
          body.byteLength,
        );
        parts.push(messagePart(message, body));
      });
      written.set(id, { first: chunks[0], count: chunks.length });
    }
    const body = assemble(batch);
    const header = new RecordBatchHeader(
      batch.numRows,
      body.nodes,
      body.bufferRegions,
      null,
      body.variadicBufferCounts,
      batch.metadata,
    );
    parts.push(messagePart(Message.from(header, body.byteLength), body));
  }
  return parts;
}

/**
 * Arrow IPC stream bytes of `table`. `hasherFor` is asked, once the size is known, for a hasher
 * that then receives the bytes in order as they are written.
 *
 * @example
 * ```ts
 * const bytes = writeTableIPC(tableFromArrays({ x: new Float64Array([1, 2]) }));
 * tableFromIPC(bytes).numRows; // 2
 * ```
 */
export function writeTableIPC(
  table: Table,
  hasherFor?: (totalBytes: number) => ContentHasher | undefined,
): Uint8Array {
  const parts = tableParts(table);
  let total = 8; // the end-of-stream marker
  for (const part of parts) total += part.metadataSize + (part.body?.byteLength ?? 0);

  // Zeroed memory: padding bytes must be zero for the bytes (and the id) to be canonical.
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const hasher = hasherFor?.(total);
  let position = 0;
  let hashed = 0;
  const flush = (): void => {
    if (hasher && position > hashed) hasher.update(out.subarray(hashed, position));
    hashed = position;
  };

  try {
    for (const { metadata, metadataSize, body } of parts) {
      view.setInt32(position, -1, true);
      view.setInt32(position + 4, metadataSize - 8, true);
      out.set(metadata, position + 8);
      position += metadataSize;
      if (!body) continue;
      const start = position;
      const { buffers, bufferRegions } = body;
      for (let i = 0; i < buffers.length; i++) {
        const buffer = buffers[i]!;
        const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        const at = start + Number(bufferRegions[i]!.offset);
        for (let offset = 0; offset < bytes.byteLength; offset += COPY_SLICE_BYTES) {
          const slice = bytes.subarray(offset, offset + COPY_SLICE_BYTES);
          out.set(slice, at + offset);
          position = at + offset + slice.byteLength;
          flush();
        }
      }
      position = start + body.byteLength;
    }
    view.setInt32(position, -1, true);
    view.setInt32(position + 4, 0, true);
    position += 8;
    flush();
  } finally {
    // Also on failure: the hasher's worker must finish this job to take the next one.
    hasher?.end();
  }
  return out;
}

/** The members of apache-arrow objects this module reads, whichever copy of the library made them. */
interface ArrowTypeLike {
  typeId: number;
  children?: readonly ArrowFieldLike[];
}
interface ArrowFieldLike {
  name: string;
  type: ArrowTypeLike;
  nullable: boolean;
  metadata?: Map<string, string>;
}
interface ArrowDataLike {
  type: ArrowTypeLike;
  offset: number;
  length: number;
  nullCount: number;
  values?: unknown;
  valueOffsets?: unknown;
  nullBitmap?: unknown;
  typeIds?: unknown;
  children: readonly ArrowDataLike[];
  dictionary?: { data: readonly ArrowDataLike[] };
  variadicBuffers?: readonly Uint8Array[];
}
/** What makes a value an Arrow table, checked structurally (see {@link isArrowTableLike}). */
export interface ArrowTableLike {
  schema: { fields: readonly ArrowFieldLike[]; metadata?: Map<string, string> };
  batches: readonly { numRows: number; data: ArrowDataLike; metadata?: Map<string, string> }[];
  numRows: number;
  numCols: number;
}

/**
 * Whether `value` is an Arrow table, from this or any other copy of apache-arrow: `instanceof`
 * fails across copies, and a notebook may load its own.
 *
 * @example
 * ```ts
 * isArrowTableLike(tableFromArrays({ x: [1] })); // true
 * isArrowTableLike({ numRows: 1 });              // false
 * ```
 */
export function isArrowTableLike(value: unknown): value is ArrowTableLike {
  return isOwnTable(value) || hasArrowTableShape(value);
}

/** Parameters of the foreign types, read as whatever this copy's constructors expect. */
interface ForeignTypeParams {
  isSigned: never;
  bitWidth: never;
  precision: never;
  scale: never;
  unit: never;
  timezone: never;
  byteWidth: never;
  listSize: never;
  keysSorted: never;
  mode: never;
  typeIds: never;
  id: never;
  isOrdered: never;
  dictionary: ArrowTypeLike;
  indices: ArrowTypeLike;
}

/** Rebuilds types, data and tables of a foreign apache-arrow copy with this copy's classes. */
class Adopter {
  private readonly types = new Map<ArrowTypeLike, DataType>();

  table(foreign: ArrowTableLike): Table {
    const fields = foreign.schema.fields.map((f) => this.field(f));
    const schema = new Schema(fields, foreign.schema.metadata);
    const batches = foreign.batches.map((batch) => {
      const children = batch.data.children.map((child) => this.data(child));
      const data = new Data(new Struct(fields), 0, batch.numRows, 0, undefined, children);
      return new RecordBatch(schema, data, batch.metadata);
    });
    return new Table(schema, batches);
  }

  field(f: ArrowFieldLike): Field {
    return new Field(f.name, this.type(f.type), f.nullable, f.metadata);
  }

  data(d: ArrowDataLike): Data {
    const buffers = [d.valueOffsets, d.values, d.nullBitmap, d.typeIds] as never;
    const dictionary = d.dictionary
      ? new Vector(d.dictionary.data.map((chunk) => this.data(chunk)))
      : undefined;
    return new Data(
      this.type(d.type),
      d.offset,
      d.length,
      d.nullCount,
      buffers,
      d.children.map((child) => this.data(child)),
      dictionary,
      [...(d.variadicBuffers ?? [])],
    );
  }

  type(t: ArrowTypeLike): DataType {
    // One of ours per foreign type object, so that schema and data share types as they did.
    let ours = this.types.get(t);
    if (!ours) {
      ours = this.makeType(t);
      this.types.set(t, ours);
    }
    return ours;
  }

  private makeType(t: ArrowTypeLike): DataType {
    const p = t as unknown as ForeignTypeParams;
    const children = (): Field[] => (t.children ?? []).map((c) => this.field(c));
    const child = (): Field => children()[0]!;
    switch (t.typeId) {
      case Type.Null:
        return new Null();
      case Type.Int:
        return new Int(p.isSigned, p.bitWidth);
      case Type.Float:
        return new Float(p.precision);
      case Type.Binary:
        return new Binary();
      case Type.LargeBinary:
        return new LargeBinary();
      case Type.BinaryView:
        return new BinaryView();
      case Type.Utf8:
        return new Utf8();
      case Type.LargeUtf8:
        return new LargeUtf8();
      case Type.Utf8View:
        return new Utf8View();
      case Type.Bool:
        return new Bool();
      case Type.Decimal:
        return new Decimal(p.scale, p.precision, p.bitWidth);
      case Type.Date:
        return new Date_(p.unit);
      case Type.Time:
        return new Time(p.unit, p.bitWidth);
      case Type.Timestamp:
        return new Timestamp(p.unit, p.timezone);
      case Type.Interval:
        return new Interval(p.unit);
      case Type.Duration:
        return new Duration(p.unit);
      case Type.FixedSizeBinary:
        return new FixedSizeBinary(p.byteWidth);
      case Type.List:
        return new List(child());
      case Type.LargeList:
        return new LargeList(child());
      case Type.FixedSizeList:
        return new FixedSizeList(p.listSize, child());
      case Type.Struct:
        return new Struct(children());
      case Type.Map:
        return new Map_(child(), p.keysSorted);
      case Type.Union:
        return new Union(p.mode, p.typeIds, children());
      case Type.Dictionary:
        return new Dictionary(
          this.type(p.dictionary),
          this.type(p.indices) as never,
          p.id,
          p.isOrdered,
        );
      default:
        throw new Error(`Arrow type id ${t.typeId} (${String(t)}) is not supported by tsematic`);
    }
  }
}

/**
 * `value` as a table of this copy of apache-arrow: itself when it already is one, otherwise a
 * rebuilt table that shares the original's buffers (no data is copied).
 *
 * @example
 * ```ts
 * const ours = asOwnTable(tableMadeByAnotherArrowCopy);
 * ours instanceof Table; // true
 * ```
 */
export function asOwnTable(value: ArrowTableLike): Table {
  if (isOwnTable(value)) return value;
  // serialize and summarize both need it: adopt once per foreign table.
  let ours = adopted.get(value);
  if (!ours) {
    ours = new Adopter().table(value);
    adopted.set(value, ours);
  }
  return ours;
}

const adopted = new WeakMap<ArrowTableLike, Table>();

/**
 * Whether `value` was made by this copy of apache-arrow. Not `instanceof Table`: apache-arrow 21
 * makes that true for tables of any copy, while its visitors still need this copy's DataType.
 */
function isOwnTable(value: unknown): value is Table {
  return Function.prototype[Symbol.hasInstance].call(Table, value);
}
