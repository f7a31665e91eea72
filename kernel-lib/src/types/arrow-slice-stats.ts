/**
 * Numeric column statistics taken while the IPC writer copies the column, instead of in a second
 * pass over the table afterwards.
 *
 * A large table does not fit in the CPU caches: a second pass reads every value from memory again
 * (on a loaded 2-core machine that pass cost as much as copying). The writer copies each column
 * in slices; right after a slice is copied it is still in cache, and the running minimum,
 * maximum and sum are taken over it there. Slices of a chunk arrive in order and the running
 * values carry over from one slice to the next, so the results are bit for bit those of one loop
 * over the chunk (`NumericAccumulator.addNumbers` in `arrow-summary.ts`): the same additions in
 * the same order.
 *
 * Only the hot case is taken here: chunks without nulls whose values are a plain (not 64-bit)
 * typed array. Every other chunk, and a chunk whose sum came out NaN (its NaNs must be counted
 * apart), is left to the summary's own pass.
 */

/** Typed arrays whose elements are read as plain numbers. */
type PlainNumberArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

/** The members of an apache-arrow Data (a column chunk) that decide whether it is taken here. */
export interface StatisticsChunk {
  type: { typeId: number; precision?: number };
  length: number;
  nullCount: number;
  values?: unknown;
  children: readonly StatisticsChunk[];
}

/** Min, max and sum of one chunk's values (all valid, none NaN), as one loop would compute them. */
export interface ChunkStatistics {
  min: number;
  max: number;
  sum: number;
  count: number;
}

// apache-arrow's Type enum, by value: this module must not load apache-arrow (see arrow.ts).
const NUMERIC_TYPE_IDS = new Set([
  2, // Int
  3, // Float
  8, // Date
  9, // Time
  10, // Timestamp
  18, // Duration
]);
const FLOAT = 3;
const HALF_PRECISION = 0;

function isPlainNumberArray(values: unknown): values is PlainNumberArray {
  return (
    values instanceof Float64Array ||
    values instanceof Float32Array ||
    values instanceof Int32Array ||
    values instanceof Uint32Array ||
    values instanceof Int16Array ||
    values instanceof Uint16Array ||
    values instanceof Int8Array ||
    (values instanceof Uint8Array && values.constructor === Uint8Array)
  );
}

/** The running statistics of one chunk while its slices are copied. */
class RunningChunk {
  min = Infinity;
  max = -Infinity;
  sum = 0;
  /** Values seen so far: slices must arrive in order, each starting where the last ended. */
  count = 0;
  /** False once a slice came out of order: the summary then takes its own pass. */
  inOrder = true;

  constructor(
    readonly values: PlainNumberArray,
    readonly length: number,
  ) {}

  /** Takes values [from, to). */
  add(from: number, to: number): void {
    if (from !== this.count || to > this.length) {
      this.inOrder = false;
      return;
    }
    const values = this.values;
    let min = this.min;
    let max = this.max;
    let sum = this.sum;
    // The loop of NumericAccumulator.addNumbers, so that the sum is the same double.
    for (let i = from; i < to; i++) {
      const x = values[i]!;
      if (x < min) min = x;
      if (x > max) max = x;
      sum += x;
    }
    this.min = min;
    this.max = max;
    this.sum = sum;
    this.count = to;
  }
}

/**
 * Statistics of a table's plain numeric chunks, fed with the slices the IPC writer copies.
 *
 * @example
 * ```ts
 * const stats = new SliceStatistics(table);
 * const bytes = writeTableIPC(table, undefined, (source, start, end) => stats.copied(source, start, end));
 * summarizeTable(table, stats); // uses the statistics of the chunks seen whole
 * ```
 */
export class SliceStatistics {
  /**
   * Chunks by their values' memory: the writer copies a view of the same bytes. Null where two
   * chunks share it (a table concatenated with itself): those are left to the summary.
   */
  private readonly byMemory = new Map<ArrayBufferLike, Map<number, RunningChunk | null>>();
  private readonly byChunk = new Map<StatisticsChunk, RunningChunk>();

  constructor(table: { batches: readonly { data: StatisticsChunk }[] }) {
    for (const batch of table.batches) {
      for (const chunk of batch.data.children) {
        const { type, values, length } = chunk;
        if (chunk.nullCount !== 0 || length === 0) continue;
        if (!NUMERIC_TYPE_IDS.has(type.typeId) || !isPlainNumberArray(values)) continue;
        if (type.typeId === FLOAT && type.precision === HALF_PRECISION) continue;
        if (values.length < length) continue;
        const running = new RunningChunk(values, length);
        this.byChunk.set(chunk, running);
        let atOffset = this.byMemory.get(values.buffer);
        if (!atOffset) this.byMemory.set(values.buffer, (atOffset = new Map()));
        atOffset.set(values.byteOffset, atOffset.has(values.byteOffset) ? null : running);
      }
    }
  }

  /**
   * Bytes [start, end) of `source` were copied. A source that is a chunk's values (same memory,
   * same start) feeds that chunk's statistics; anything else is ignored.
   */
  copied(source: ArrayBufferView, start: number, end: number): void {
    const running = this.byMemory.get(source.buffer)?.get(source.byteOffset);
    if (!running?.inOrder) return;
    const width = running.values.BYTES_PER_ELEMENT;
    if (start % width !== 0 || end % width !== 0) {
      running.inOrder = false;
      return;
    }
    running.add(start / width, end / width);
  }

  /**
   * The statistics of `chunk` when every one of its values was seen, in order, and none is NaN;
   * undefined otherwise (then the summary takes its own pass over the chunk).
   */
  of(chunk: StatisticsChunk): ChunkStatistics | undefined {
    const running = this.byChunk.get(chunk);
    if (!running?.inOrder || running.count !== running.length) return undefined;
    const { buffer, byteOffset } = running.values;
    if (this.byMemory.get(buffer)?.get(byteOffset) !== running) return undefined;
    if (Number.isNaN(running.sum)) return undefined;
    const { min, max, sum, count } = running;
    return { min, max, sum, count };
  }
}
