/**
 * The notes pane of a root run: one shared text, edited live in a Yjs document (live/notes.ts) and
 * persisted here with its Yjs state, the last author and when it last changed. It stands beside the
 * list of posted notes (notes.ts), which stays as it is.
 *
 * @example
 * ```ts
 * saveNotesPane(db, rootId, { text: "lr 0.1 diverged", state, author: "ada", updatedAt: Date.now() });
 * notesPane(db, rootId).text; // "lr 0.1 diverged"
 * ```
 */
import type { Db } from "./db";

/** Longest notes text (UTF-16 code units, as Y.Text counts): a longer change is refused. */
export const MAX_NOTES_CHARS = 100_000;

/** What `GET /runs/{rootId}/notes-pane` answers (NotesPane in openapi.yaml). */
export interface NotesPaneView {
  text: string;
  updatedAt: number | null;
  author: string | null;
}

export interface StoredNotesPane extends NotesPaneView {
  /** `Y.encodeStateAsUpdate` of the document, to load it again as the same CRDT. */
  state: Uint8Array | null;
}

/** A root's pane; empty text (author and updatedAt null) when nobody wrote in it. */
export function notesPane(db: Db, rootId: string): StoredNotesPane {
  const row = db
    .prepare<[string], { text: string; ydoc: Buffer; author: string | null; updated_at: number }>(
      "SELECT text, ydoc, author, updated_at FROM notes_panes WHERE root_id = ?",
    )
    .get(rootId);
  if (!row) return { text: "", updatedAt: null, author: null, state: null };
  return {
    text: row.text,
    updatedAt: row.updated_at,
    author: row.author,
    state: new Uint8Array(row.ydoc),
  };
}

/** Stores a root's pane (replacing what was stored). */
export function saveNotesPane(
  db: Db,
  rootId: string,
  pane: { text: string; state: Uint8Array; author: string | null; updatedAt: number },
): void {
  db.prepare(
    `INSERT INTO notes_panes (root_id, text, ydoc, author, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (root_id) DO UPDATE SET text = excluded.text, ydoc = excluded.ydoc,
       author = excluded.author, updated_at = excluded.updated_at`,
  ).run(rootId, pane.text, Buffer.from(pane.state), pane.author, pane.updatedAt);
}
