/**
 * What the server's main thread and the live documents' thread (document-worker.ts) say to each
 * other. The main thread owns the WebSockets and says who watches what and what ingest changed; the
 * documents' thread owns the Yjs documents and answers with the bytes to send.
 */
import type { EdgeKey } from "../storage/ingest";

/** Main thread → documents. Handled in order: a later message never sees an older document. */
export type ToDocuments =
  /** A client connected: open the root's document if needed, greet the client (sync step 1). */
  | { kind: "connect"; rootId: string; client: number }
  /** The root's last client left: drop its document and what was queued for it. */
  | { kind: "release"; rootId: string }
  /** A client's sync step 1: answer with what its state vector lacks. */
  | { kind: "sync"; rootId: string; client: number; stateVector: Uint8Array }
  /** What a batch changed in watched roots (written after the window): [rootId, runIds, edges]. */
  | { kind: "changes"; changes: [string, string[], EdgeKey[]][] }
  /** Runs changed outside ingest (cancel, heartbeat): written at once. */
  | { kind: "refresh-runs"; rootId: string; runIds: string[] }
  /** The root's status changed: written at once. */
  | { kind: "refresh-root"; rootId: string }
  /** Write what is queued now, then answer `flushed` with the same id. */
  | { kind: "flush"; id: number }
  /** Close the database and end the thread. */
  | { kind: "stop" };

/** Documents → main thread. Every message is a copy: nothing is shared between the threads. */
export type FromDocuments =
  /** Sync step 1 for a new client. */
  | { kind: "greet"; client: number; message: Uint8Array }
  /** The answer to a client's sync step 1 (undefined when its document was already released). */
  | { kind: "answer"; client: number; message: Uint8Array | undefined }
  /** A document update, for every client of the root. */
  | { kind: "update"; rootId: string; message: Uint8Array }
  /** The root's document could not be loaded: its clients are told and disconnected. */
  | { kind: "failed"; rootId: string; reason: string }
  | { kind: "flushed"; id: number }
  /** A line for the server's log (a write that failed: the document catches up later). */
  | { kind: "log"; message: string };
