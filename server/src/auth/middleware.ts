/** Token check for every API call but health and CORS preflight. */
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "express";
import { ApiError } from "../http/errors";
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

export function requireToken(expected: string): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (token === undefined) {
      throw ApiError.unauthorized(
        "this API needs a token: send `Authorization: Bearer <token>`; the token is in <dataDir>/token (TSEMATIC_TOKEN)",
      );
    }
    if (!tokensEqual(token, expected)) {
      throw ApiError.unauthorized(
        "the token is wrong: read the current one from <dataDir>/token of the running server",
      );
    }
    next();
  };
}
