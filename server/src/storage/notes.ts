/** Free-text notes that people attach to runs. */
import type { NoteView } from "../model/api";
import type { Db } from "./db";

const COLUMNS = "id, run_id AS runId, author, text, created_at AS createdAt";

export interface NotePage {
  notes: NoteView[];
  /** Pass as `cursor` to get the notes after this page; null when this page is the last. */
  nextCursor: string | null;
}

/** A page of a run's notes, oldest first, after note id `afterId`. */
export function listNotes(db: Db, runId: string, afterId: number, limit: number): NotePage {
  const rows = db
    .prepare<[string, number, number], NoteView>(
      `SELECT ${COLUMNS} FROM notes WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?`,
    )
    .all(runId, afterId, limit + 1);
  const notes = rows.slice(0, limit);
  const last = notes[notes.length - 1];
  return { notes, nextCursor: rows.length > limit && last ? String(last.id) : null };
}

export function addNote(
  db: Db,
  runId: string,
  author: string,
  text: string,
  now: number,
): NoteView {
  const info = db
    .prepare("INSERT INTO notes (run_id, author, text, created_at) VALUES (?, ?, ?, ?)")
    .run(runId, author, text, now);
  return { id: Number(info.lastInsertRowid), runId, author, text, createdAt: now };
}
