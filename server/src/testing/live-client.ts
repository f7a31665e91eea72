/**
 * A minimal y-websocket client (what y-websocket's WebsocketProvider does on the wire), for tests:
 * answers the server's sync step 1, sends its own, and applies the server's step 2 and updates.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

export class LiveClient {
  readonly doc = new Y.Doc();
  readonly ws: WebSocket;
  /** Resolves once the server has answered this client's sync step 1. */
  readonly synced: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.binaryType = "nodebuffer";
    this.synced = new Promise((resolve, reject) => {
      this.ws.once("error", reject);
      this.ws.on("message", (data: Buffer) => {
        const decoder = decoding.createDecoder(new Uint8Array(data));
        if (decoding.readVarUint(decoder) !== 0) return;
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, 0);
        const type = syncProtocol.readSyncMessage(decoder, encoder, this.doc, "server");
        if (encoding.length(encoder) > 1) this.ws.send(encoding.toUint8Array(encoder));
        if (type === syncProtocol.messageYjsSyncStep2) resolve();
      });
      this.ws.once("open", () => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, 0);
        syncProtocol.writeSyncStep1(encoder, this.doc);
        this.ws.send(encoding.toUint8Array(encoder));
      });
    });
    // Local edits are sent as the y-websocket provider would (the server must ignore them).
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === "server" || this.ws.readyState !== WebSocket.OPEN) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, 0);
      syncProtocol.writeUpdate(encoder, update);
      this.ws.send(encoding.toUint8Array(encoder));
    });
  }

  runs(): Y.Map<Record<string, unknown>> {
    return this.doc.getMap("runs");
  }

  /** Resolves when `predicate` holds for the document, checking after every update. */
  until(predicate: (doc: Y.Doc) => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate(this.doc)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.doc.off("update", check);
        reject(new Error("the live document did not reach the expected state"));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate(this.doc)) return;
        clearTimeout(timer);
        this.doc.off("update", check);
        resolve();
      };
      this.doc.on("update", check);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once("close", () => resolve());
      this.ws.close();
    });
  }
}

/** The HTTP status with which a WebSocket handshake is refused (or 101 when it is accepted). */
export function handshakeStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once("open", () => {
      resolve(101);
      ws.close();
    });
    ws.once("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}
