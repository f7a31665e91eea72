/**
 * WebSocket upgrades for /api/v1/live/{rootId} (a root's graph) and /api/v1/live/notes/{rootId} (its
 * notes pane): checked like every API call (token, valid id, known
 * root, configured Origin) before the handshake completes; refusals are plain HTTP JSON errors.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import { presentedToken } from "../auth/middleware";
import { tokensEqual } from "../auth/token";
import { originAllowed } from "../http/cors";
import { errorBody } from "../http/errors";
import { hostChecker, hostRefusal } from "../http/host";
import { RUN_ID } from "../http/ids";
import type { Db } from "../storage/db";
import { getRoot } from "../storage/roots";
import type { LiveGraphs } from "./hub";
import { MAX_AUTHOR_CHARS } from "./notes";

const LIVE_PATH = /^\/api\/v1\/live\/([^/]*)$/;
/** The notes pane of a root run: y-websocket room `notes/<rootId>` (see notes.ts). */
const NOTES_PATH = /^\/api\/v1\/live\/notes\/([^/]*)$/;

export interface UpgradeOptions {
  wss: WebSocketServer;
  live: LiveGraphs;
  db: Db;
  token: string;
  corsOrigins: readonly string[];
  /** The address the server binds and the extra host names it answers to (see http/host.ts). */
  bindHost: string;
  allowedHosts: readonly string[];
}

export function liveUpgrade(o: UpgradeOptions) {
  const knownHost = hostChecker(o.bindHost, o.allowedHosts);
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on("error", () => socket.destroy());
    if (!knownHost(req.headers.host)) {
      return refuse(socket, 403, "host_not_allowed", hostRefusal(req.headers.host));
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const notesMatch = NOTES_PATH.exec(url.pathname);
    const match = notesMatch ?? LIVE_PATH.exec(url.pathname);
    if (!match) {
      return refuse(
        socket,
        404,
        "route_not_found",
        "WebSocket connections go to /api/v1/live/{rootId} or /api/v1/live/notes/{rootId}",
      );
    }
    const token = presentedToken(req, url);
    if (token === undefined || !tokensEqual(token, o.token)) {
      return refuse(
        socket,
        401,
        "unauthorized",
        "a live connection needs the server's token: add ?token=<token> (from <dataDir>/token)",
      );
    }
    const origin = req.headers.origin;
    if (!originAllowed(origin, o.corsOrigins)) {
      return refuse(
        socket,
        403,
        "origin_not_allowed",
        `origin ${JSON.stringify(origin).slice(0, 100)} is not configured: start the server with --cors-origin <origin>`,
      );
    }
    const rootId = match[1]!;
    if (!RUN_ID.test(rootId)) {
      return refuse(
        socket,
        400,
        "invalid_run_id",
        "the root run id must be 8 to 64 lowercase hex characters",
      );
    }
    if (!getRoot(o.db, rootId)) {
      return refuse(socket, 404, "unknown_run", `no root run ${rootId} on this server`);
    }
    if (notesMatch) {
      const author = url.searchParams.get("author");
      if (author !== null && (author.length === 0 || author.length > MAX_AUTHOR_CHARS)) {
        return refuse(
          socket,
          400,
          "invalid_parameter",
          `query parameter "author" must be 1 to ${MAX_AUTHOR_CHARS} characters (the name shown with the notes)`,
        );
      }
      o.wss.handleUpgrade(req, socket, head, (ws) => o.live.notes.connect(rootId, ws, author));
      return;
    }
    o.wss.handleUpgrade(req, socket, head, (ws) => o.live.connect(rootId, ws));
  };
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
};

function refuse(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
