/**
 * duckdb-wasm in the browser, loaded on first use. Its worker script and .wasm files are served
 * from the extension's own static assets (never a CDN: JupyterLab often runs without internet),
 * and one database is shared by every table view of the page.
 *
 * @example
 * ```ts
 * const db = await SqlDatabase.shared();
 * await db.register("t_1a2b", ipcBytes);
 * const result = await db.query("SELECT label, count(*) FROM t_1a2b GROUP BY label");
 * ```
 */
import type { AsyncDuckDB, AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";

import type { IArrowChunk, IArrowField } from "./arrow-model";

/** A query's result: a table of duckdb-wasm's own apache-arrow copy. */
export interface ISqlResult extends IArrowChunk {
  readonly schema: { readonly fields: readonly IArrowField[] };
}

/** The page's one database (duckdb-wasm starts a worker and a 30 MB module: once is enough). */
let sharedDatabase: Promise<SqlDatabase> | null = null;

export class SqlDatabase {
  /** The page's database, started on the first call. */
  static shared(): Promise<SqlDatabase> {
    sharedDatabase ??= Private.start().catch((reason: unknown) => {
      sharedDatabase = null;
      throw reason;
    });
    return sharedDatabase;
  }

  constructor(
    readonly db: AsyncDuckDB,
    private readonly _conn: AsyncDuckDBConnection,
  ) {}

  /**
   * Runs `task` alone on the connection: views that point `t` at their own table and then query it
   * must not interleave.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = this._queue.then(task);
    this._queue = result.catch(() => undefined);
    return result;
  }

  /** Creates (or replaces) table `name` from an Arrow IPC stream. */
  async register(name: string, ipc: Uint8Array): Promise<void> {
    await this._conn.query(`DROP TABLE IF EXISTS "${name}"`);
    await this._conn.insertArrowFromIPCStream(ipc, { name, create: true });
  }

  async drop(name: string): Promise<void> {
    await this._conn.query(`DROP TABLE IF EXISTS "${name}"`);
  }

  async query(sql: string): Promise<ISqlResult> {
    return (await this._conn.query(sql)) as unknown as ISqlResult;
  }

  private _queue: Promise<unknown> = Promise.resolve();
}

namespace Private {
  export async function start(): Promise<SqlDatabase> {
    const [duckdb, mvpWasm, mvpWorker, ehWasm, ehWorker] = await Promise.all([
      import("@duckdb/duckdb-wasm"),
      import("@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm"),
      import("@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js"),
      import("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm"),
      import("@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js"),
    ]);
    const absolute = (url: string): string => new URL(url, document.baseURI).href;
    const bundle = await duckdb.selectBundle({
      mvp: { mainModule: absolute(mvpWasm.default), mainWorker: absolute(mvpWorker.default) },
      eh: { mainModule: absolute(ehWasm.default), mainWorker: absolute(ehWorker.default) },
    });
    const worker = new Worker(bundle.mainWorker!);
    const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    const conn = await db.connect();
    return new SqlDatabase(db, conn);
  }
}
