/**
 * duckdb-wasm in the browser, loaded on first use. Its worker script and .wasm files are served
 * from the extension's own static assets (never a CDN: JupyterLab often runs without internet),
 * and one database is shared by every table view of the page.
 *
 * Its start is marked as `tsematic:duckdb …` measures (the browser's performance panel shows them):
 * on 2 busy cores the 34 MB module's fetch, compile and instantiation take 0.9 to 4 s, the
 * connection 0.1 to 0.4 s. Table views start it in the background (`SqlTable.prepare`).
 *
 * @example
 * ```ts
 * const db = await SqlDatabase.shared();
 * await db.register("t_1a2b", ipcBytes); // the bytes are handed to duckdb's worker
 * const result = await db.query("SELECT label, count(*) FROM t_1a2b GROUP BY label");
 * ```
 */
import type { AsyncDuckDB, AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";

import type { ISqlEngine, ISqlResult } from "./sql-table";

/** The page's one database (duckdb-wasm starts a worker and a 30 MB module: once is enough). */
let sharedDatabase: Promise<SqlDatabase> | null = null;

export class SqlDatabase implements ISqlEngine {
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

  /**
   * Creates table `name` (new: each view's name is its own) from an Arrow IPC stream. The bytes'
   * buffer is transferred to the worker, not copied: it is detached here afterwards.
   */
  async register(name: string, ipc: Uint8Array): Promise<void> {
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
    const started = performance.now();
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
    const instantiating = performance.now();
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    const connecting = performance.now();
    const conn = await db.connect();
    measure("instantiate", instantiating, connecting);
    measure("connect", connecting);
    measure("start", started);
    return new SqlDatabase(db, conn);
  }

  function measure(phase: string, start: number, end = performance.now()): void {
    performance.measure(`tsematic:duckdb ${phase}`, { start, end });
  }
}
