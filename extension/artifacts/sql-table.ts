/**
 * One table view's table in duckdb-wasm: started and registered in the background as soon as the
 * view has all its bytes ({@link SqlTable.prepare}), so the user's first query finds the engine up
 * and the rows in it instead of paying for both (1.3 to 2.6 s for a million rows on 2 busy cores:
 * mostly the 34 MB module's compile and instantiation, then the rows' copy into duckdb's storage).
 *
 * The engine is shared by every view of the page; the table belongs to this view, under a name of
 * its own, and is dropped when the view goes ({@link SqlTable.dispose}).
 *
 * @example
 * ```ts
 * const table = new SqlTable({
 *   name: "tsematic_1a2b",
 *   bytes: ipcBytes, // a promise of the whole Arrow IPC stream
 *   engine: async () => (await import("./duckdb")).SqlDatabase.shared(),
 *   warmUpSql: "SELECT * FROM t LIMIT 100", // the query the SQL box holds at first
 * });
 * table.prepare(); // the rows are all here: get ready while the user looks at them
 * const { result, queryMs } = await table.query("SELECT count(*) FROM t");
 * table.dispose();
 * ```
 */
import type { IArrowChunk, IArrowField } from "./arrow-model";
import { errorText } from "./context";

/** A query's result: a table of duckdb-wasm's own apache-arrow copy. */
export interface ISqlResult extends IArrowChunk {
  readonly schema: { readonly fields: readonly IArrowField[] };
}

/** What a table needs of the engine (the page's `SqlDatabase`; a stand-in in tests). */
export interface ISqlEngine {
  /** Runs `task` alone on the engine's connection. */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Creates table `name` from an Arrow IPC stream; the bytes are handed over (detached). */
  register(name: string, ipc: Uint8Array): Promise<void>;
  drop(name: string): Promise<void>;
  query(sql: string): Promise<ISqlResult>;
}

/** A query's rows and the time of the query alone (no start-up, no registration). */
export interface ISqlAnswer {
  readonly result: ISqlResult;
  readonly queryMs: number;
}

export class SqlTable {
  constructor(options: SqlTable.IOptions) {
    this.name = options.name;
    this._bytes = options.bytes;
    this._engine = options.engine;
    this._warmUpSql = options.warmUpSql ?? null;
  }

  /** The table's name in duckdb (queries see it as `t`). */
  readonly name: string;

  get isDisposed(): boolean {
    return this._disposed;
  }

  /**
   * Starts the engine, registers the table and runs the warm-up query without waiting: failures
   * are reported by the next {@link query}, which retries what can succeed on a second try (the
   * engine's start).
   */
  prepare(): void {
    if (this._disposed || this._prepared) {
      return;
    }
    this._prepared = true;
    void (async () => {
      const engine = await this._registration();
      if (engine && this._warmUpSql !== null && !this._disposed) {
        // duckdb-wasm compiles its WebAssembly lazily, function by function on first call: the
        // first query over a million rows spent 140 of its 190 ms compiling 500 functions
        // (Chromium trace, wasm.CompileLazy). Any query compiles the scan and the Arrow result
        // for this table's types; the box's own query is the likeliest first one.
        await this._run(engine, this._warmUpSql);
      }
    })().catch(() => {
      this._prepared = false;
    });
  }

  /**
   * Runs `sql` over this table, named `t`. Null once disposed (the view is gone: nobody to show
   * the result to).
   */
  async query(sql: string): Promise<ISqlAnswer | null> {
    const engine = await this._registration();
    if (!engine || this._disposed) {
      return null;
    }
    return this._run(engine, sql);
  }

  /** Drops the table once its registration settles (now if it never started). */
  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    const registered = this._registered;
    if (registered) {
      void registered.then((engine) => engine?.drop(this.name)).catch(() => undefined);
    }
  }

  private _run(engine: ISqlEngine, sql: string): Promise<ISqlAnswer> {
    return engine.exclusive(async () => {
      const started = performance.now();
      // `t` is shared by every view's queries: pointed at this table inside the exclusive task.
      await engine.query(`CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM "${this.name}"`);
      const result = await engine.query(sql);
      return { result, queryMs: performance.now() - started };
    });
  }

  /** The engine with this table in it; one registration per table, shared by every query. */
  private _registration(): Promise<ISqlEngine | null> {
    if (!this._registered) {
      const registered = this._register();
      this._registered = registered;
      registered.catch(() => {
        // A failed start may work on the next query (a dropped connection, a busy server); once the
        // bytes went to the engine they are gone, so that failure stays (said the same each time).
        if (!this._bytesHandedOver && this._registered === registered) {
          this._registered = null;
        }
      });
    }
    return this._registered;
  }

  private async _register(): Promise<ISqlEngine | null> {
    const [engine, bytes] = await Promise.all([this._engine(), this._bytes]);
    if (this._disposed) {
      return null;
    }
    this._bytesHandedOver = true;
    const started = performance.now();
    try {
      await engine.exclusive(() => engine.register(this.name, bytes));
    } catch (reason) {
      throw new Error(`duckdb-wasm could not load this table: ${errorText(reason)}`, {
        cause: reason,
      });
    }
    performance.measure(`tsematic:duckdb register ${this.name}`, {
      start: started,
      end: performance.now(),
    });
    return engine;
  }

  private readonly _bytes: Promise<Uint8Array>;
  private readonly _engine: () => Promise<ISqlEngine>;
  private readonly _warmUpSql: string | null;
  private _prepared = false;
  private _registered: Promise<ISqlEngine | null> | null = null;
  private _bytesHandedOver = false;
  private _disposed = false;
}

export namespace SqlTable {
  export interface IOptions {
    /** The table's name in duckdb: unique in the page (the engine is shared). */
    readonly name: string;
    /** The whole Arrow IPC stream, once downloaded (a rejection is the download's error). */
    readonly bytes: Promise<Uint8Array>;
    /** The page's engine, started on the first call. */
    readonly engine: () => Promise<ISqlEngine>;
    /** Run over `t` by {@link SqlTable.prepare} once the table is registered (result unused). */
    readonly warmUpSql?: string;
  }
}
