/** A run's captured console output, paged by sequence number. */
import type { LogLineView } from "../model/api";
import type { Db } from "./db";

export interface LogPage {
  lines: LogLineView[];
  /** Pass as `cursor` to get the lines after this page; null when this page is the last. */
  nextCursor: string | null;
}

export function getLogs(db: Db, runId: string, afterSeq: number, limit: number): LogPage {
  const rows = db
    .prepare<[string, number, number], LogLineView>(
      `SELECT seq, stream, text, at FROM logs
       WHERE run = (SELECT seq FROM runs WHERE id = ?) AND seq > ? ORDER BY seq LIMIT ?`,
    )
    .all(runId, afterSeq, limit + 1);
  const more = rows.length > limit;
  const lines = rows.slice(0, limit);
  const last = lines[lines.length - 1];
  return { lines, nextCursor: more && last ? String(last.seq) : null };
}
