/**
 * A hostile live client for tests: completes the WebSocket handshake on a raw socket, stops reading
 * (its receive window fills, so the server's answers pile up on the server), and sends frames.
 */
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/** A y-websocket sync step 1 with an empty state vector: "send me the whole document". */
export const FULL_SYNC_REQUEST = Uint8Array.from([0, 0, 1, 0]);

/** One masked binary frame (clients must mask), for payloads under 126 bytes. */
export function clientFrame(payload: Uint8Array): Buffer {
  if (payload.length >= 126) throw new Error("clientFrame: payload too long for a short frame");
  const mask = randomBytes(4);
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x82;
  frame[1] = 0x80 | payload.length;
  mask.copy(frame, 2);
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i % 4]!;
  return frame;
}

export class StallingLiveClient {
  /**
   * Set when the server closed the connection. A paused socket with nothing buffered still sees
   * the server's close, before drain() listens: a server that refuses the client before sending
   * it anything (its answers come from the live documents' thread) closes it that early.
   */
  private closed = false;

  private constructor(readonly socket: Socket) {
    socket.once("close", () => {
      this.closed = true;
    });
  }

  /** Connects, completes the handshake, then pauses reading. */
  static open(url: string): Promise<StallingLiveClient> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(u.port), u.hostname);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) return;
        socket.off("data", onData);
        socket.pause();
        const status = head.subarray(0, end).toString("latin1").split(" ")[1];
        if (status !== "101") {
          socket.destroy();
          reject(new Error(`handshake refused: ${head.toString("latin1").slice(0, 300)}`));
          return;
        }
        // Whatever followed the handshake goes back, to be counted with the rest.
        if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
        resolve(new StallingLiveClient(socket));
      };
      socket.on("data", onData);
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.write(
          `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: Upgrade\r\n` +
            `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n\r\n`,
        );
      });
    });
  }

  /** Sends `count` copies of a frame without reading anything. */
  async send(payload: Uint8Array, count: number): Promise<void> {
    const frame = clientFrame(payload);
    const all = Buffer.concat(Array.from({ length: count }, () => frame));
    await new Promise<void>((resolve, reject) =>
      this.socket.write(all, (err) => (err ? reject(err) : resolve())),
    );
  }

  /**
   * Starts reading again and counts the bytes until the server closes the connection; gives up
   * (ended: false) after `limit` bytes.
   */
  drain(limit: number): Promise<{ bytes: number; ended: boolean }> {
    if (this.closed) return Promise.resolve({ bytes: 0, ended: true });
    return new Promise((resolve) => {
      let bytes = 0;
      const finish = (ended: boolean): void => {
        this.socket.removeAllListeners("data");
        this.socket.destroy();
        resolve({ bytes, ended });
      };
      this.socket.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > limit) finish(false);
      });
      this.socket.once("end", () => finish(true));
      this.socket.once("close", () => finish(true));
      this.socket.once("error", () => finish(true));
      this.socket.resume();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
