import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { type ISqlEngine, type ISqlResult, SqlTable } from "./sql-table";

/**
 * An engine that records what it was asked, and hands the registered bytes over as duckdb-wasm
 * does (their buffer is transferred to its worker: detached here). Like duckdb-wasm, an empty
 * stream registers nothing.
 */
class FakeEngine implements ISqlEngine {
  readonly calls: string[] = [];
  readonly tables = new Set<string>();
  failRegistration: Error | null = null;
  /** Holds registrations until released (a registration in flight). */
  gate: Promise<void> = Promise.resolve();

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return task();
  }

  async register(name: string, ipc: Uint8Array): Promise<void> {
    const size = ipc.byteLength;
    this.calls.push(`register ${name} ${size}`);
    structuredClone(ipc.buffer, { transfer: [ipc.buffer] });
    await this.gate;
    if (this.failRegistration) {
      throw this.failRegistration;
    }
    if (size > 0) {
      this.tables.add(name);
    }
  }

  async drop(name: string): Promise<void> {
    this.calls.push(`drop ${name}`);
    this.tables.delete(name);
  }

  async query(sql: string): Promise<ISqlResult> {
    this.calls.push(sql);
    const table = /FROM "([^"]+)"/.exec(sql)?.[1];
    if (table && !this.tables.has(table)) {
      throw new Error(`Catalog Error: Table with name ${table} does not exist!`);
    }
    return { numRows: 0, getChildAt: () => null, schema: { fields: [] } };
  }
}

const settled = () => new Promise((done) => setTimeout(done, 0));

function table(
  engine: () => Promise<ISqlEngine>,
  bytes: Promise<Uint8Array> = Promise.resolve(new Uint8Array(16)),
  warmUpSql?: string,
) {
  return new SqlTable({ name: "tsematic_test", bytes, engine, warmUpSql });
}

describe("SqlTable", () => {
  it("is started and registered by prepare(), so the first query only queries", async () => {
    const engine = new FakeEngine();
    const sql = table(async () => engine);
    sql.prepare();
    await settled();
    assert.deepEqual(engine.calls, ["register tsematic_test 16"]);
    const answer = await sql.query("SELECT count(*) FROM t");
    assert.ok(answer);
    assert.deepEqual(engine.calls.slice(1), [
      'CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM "tsematic_test"',
      "SELECT count(*) FROM t",
    ]);
  });

  it("runs the warm-up query after registering when prepared, never before a user's query", async () => {
    const engine = new FakeEngine();
    const warmUp = "SELECT * FROM t LIMIT 100";
    const prepared = table(async () => engine, undefined, warmUp);
    prepared.prepare();
    prepared.prepare(); // the idle callback, then the SQL box's focus
    await settled();
    assert.deepEqual(engine.calls, [
      "register tsematic_test 16",
      'CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM "tsematic_test"',
      warmUp,
    ]);

    const cold = new FakeEngine();
    const unprepared = table(async () => cold, undefined, warmUp);
    await unprepared.query("SELECT count(*) FROM t");
    assert.equal(cold.calls.includes(warmUp), false, "the user's query does not wait for it");
  });

  it("registers once for a prepare and queries that come before the bytes are all here", async () => {
    const engine = new FakeEngine();
    let arrive!: (bytes: Uint8Array) => void;
    const sql = table(async () => engine, new Promise<Uint8Array>((done) => (arrive = done)));
    sql.prepare();
    const first = sql.query("SELECT 1 FROM t");
    const second = sql.query("SELECT 2 FROM t");
    await settled();
    assert.equal(engine.calls.length, 0, "nothing to register yet");
    arrive(new Uint8Array(8));
    await Promise.all([first, second]);
    assert.equal(engine.calls.filter((call) => call.startsWith("register")).length, 1);
  });

  it("retries a failed engine start on the next query", async () => {
    const engine = new FakeEngine();
    let starts = 0;
    const sql = table(async () => {
      starts++;
      if (starts === 1) {
        throw new Error("Failed to fetch the duckdb-wasm module");
      }
      return engine;
    });
    sql.prepare();
    await settled();
    assert.ok(await sql.query("SELECT 1 FROM t"));
    assert.equal(starts, 2);
  });

  it("reports a failed registration again instead of querying a table that is not there", async () => {
    const engine = new FakeEngine();
    engine.failRegistration = new Error("Unsupported Arrow type");
    const sql = table(async () => engine);
    const message = { message: "duckdb-wasm could not load this table: Unsupported Arrow type" };
    await assert.rejects(sql.query("SELECT * FROM t"), message);
    // The bytes went to the engine with the failed try: registering again would register nothing.
    engine.failRegistration = null;
    await assert.rejects(sql.query("SELECT * FROM t"), message);
    assert.equal(engine.calls.filter((call) => call.startsWith("register")).length, 1);
  });

  it("drops its table when disposed, also after a registration still in flight", async () => {
    const engine = new FakeEngine();
    let release!: () => void;
    engine.gate = new Promise((done) => (release = done));
    const sql = table(async () => engine);
    sql.prepare();
    await settled();
    sql.dispose();
    release();
    await settled();
    assert.deepEqual(engine.calls, ["register tsematic_test 16", "drop tsematic_test"]);
    assert.equal(engine.tables.size, 0, "nothing left in the engine");
    assert.equal(await sql.query("SELECT 1 FROM t"), null, "no query once disposed");
  });

  it("starts no engine when disposed before it was needed", async () => {
    let starts = 0;
    const sql = table(async () => {
      starts++;
      return new FakeEngine();
    });
    sql.dispose();
    sql.prepare();
    await settled();
    assert.equal(starts, 0);
  });
});
