/**
 * The y-websocket wire protocol, server side, for a document only the server writes.
 *
 * Messages are lib0-encoded: a varuint message type (0 sync, 1 awareness, 2 auth, 3 query awareness)
 * followed by its payload. For sync, the payload is a y-protocols sync message: step 1 (a state
 * vector: "what do you have that I lack?"), step 2 (the answer) or an update. A client's step 1 is
 * answered with step 2; a client's step 2 and updates are read and dropped, because clients never
 * write: sqlite is the source of truth and the server mirrors it.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import type * as Y from "yjs";

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;

/** The first message to a new client: the server's state vector. */
export function syncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** A document update, as broadcast to every client of the document. */
export function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/**
 * The state vector of a client's sync step 1 ("what do you have that I lack?"), or undefined for
 * every other message (awareness and auth: nothing to share or check; step 2 and updates: client
 * writes, refused). Throws on a malformed message.
 */
export function syncRequest(message: Uint8Array): Uint8Array | undefined {
  const decoder = decoding.createDecoder(message);
  const type = decoding.readVarUint(decoder);
  if (type !== MESSAGE_SYNC) return undefined;
  const syncType = decoding.readVarUint(decoder);
  const payload = decoding.readVarUint8Array(decoder);
  return syncType === syncProtocol.messageYjsSyncStep1 ? payload : undefined;
}

/** The answer to a sync step 1: what the document has that the client's state vector lacks. */
export function syncStep2(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

/**
 * The server's answer to one client message, or undefined when there is nothing to answer.
 * Throws on a malformed message.
 */
export function answer(doc: Y.Doc, message: Uint8Array): Uint8Array | undefined {
  const stateVector = syncRequest(message);
  return stateVector && syncStep2(doc, stateVector);
}
