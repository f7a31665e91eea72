/** Free-text notes that people attach to runs. */
import type { NoteView } from "../model/api";
import type { Db } from "./db";

const COLUMNS = "id, run_id AS runId, author, text, created_at AS createdAt";

export function listNotes(db: Db, runId: string): NoteView[] {
  return db
    .prepare<[string], NoteView>(`SELECT ${COLUMNS} FROM notes WHERE run_id = ? ORDER BY id`)
    .all(runId);
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
