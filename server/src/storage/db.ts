/** Opens the lineage database: one sqlite file in WAL mode, migrated to the current schema. */
import { closeSync, openSync } from "node:fs";
import Database from "better-sqlite3";
import { migrate } from "./migrations";

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  // Created 0600 first: sqlite gives its -wal and -shm files the database file's permissions.
  closeSync(openSync(file, "a", 0o600));
  const db = new Database(file);
  // First: every later statement, switching to WAL included, waits for another process's lock
  // instead of failing with SQLITE_BUSY.
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  // FULL: a batch is on disk when the API answers 2xx, even across a power loss, not only a crash.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  // Indexes of a large store stay in memory: ingest touches several B-trees per event.
  db.pragma("cache_size = -65536");
  migrate(db);
  return db;
}
