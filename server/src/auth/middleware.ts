/**
 * Token check for every API call but health and CORS preflight: the server's admin token, or a
 * worker token (made per job, scoped to its root run; see worker-scope.ts).
 */
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import type { Db } from "../storage/db";
import { ApiError } from "../http/errors";
import { findJobToken } from "../storage/jobs";
import { tokensEqual } from "./token";

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== "string") return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** WebSocket clients (browsers cannot set headers there) may pass `?token=` instead. */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  return bearerToken(req) ?? url.searchParams.get("token") ?? undefined;
}

/**
 * Admits the admin token, and (when `db` is given) a worker token that has not been revoked, whose
 * job and root go to `res.locals.worker` for {@link workerScope}.
 */
export function requireToken(expected: string, db?: Db): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req);
    if (token === undefined) {
      throw ApiError.unauthorized(
        "this API needs a token: send `Authorization: Bearer <token>`; the token is in <dataDir>/token (TSEMATIC_TOKEN)",
      );
    }
    if (!tokensEqual(token, expected)) {
      const worker = db && /^[0-9a-f]{64}$/.test(token) ? findJobToken(db, token) : undefined;
      if (!worker) {
        throw ApiError.unauthorized(
          "the token is wrong: read the current one from <dataDir>/token of the running server " +
            "(a worker's token stops working when its job ends)",
        );
      }
      res.locals.worker = worker;
    }
    next();
  };
}
