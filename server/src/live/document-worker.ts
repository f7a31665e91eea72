/**
 * Runs in a worker thread (see {@link DocumentThread}): keeps the live Yjs documents with its own
 * read-only connection to the database (WAL lets it read while ingest writes), so that their
 * queries, Yjs transactions and encoding use the second core instead of the requests' thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { FromDocuments, ToDocuments } from "./document-messages";
import { GraphDocuments } from "./graph-documents";

const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
// A reader waits for a checkpoint's or a recovery's lock rather than failing.
db.pragma("busy_timeout = 5000");
const port = parentPort!;
const documents = new GraphDocuments(db, (message: FromDocuments) => {
  // The bytes are not used here again: moved, not copied.
  const bytes =
    message.kind === "log" || message.kind === "failed" || message.kind === "flushed"
      ? undefined
      : message.message;
  port.postMessage(message, bytes ? [bytes.buffer as ArrayBuffer] : []);
});

port.on("message", (message: ToDocuments) => {
  if (message.kind !== "stop") {
    documents.handle(message);
    return;
  }
  documents.close();
  db.close();
  port.close();
});
