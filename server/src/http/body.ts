/** JSON request bodies: size-limited, and only with a JSON content type. */
import express, { type RequestHandler } from "express";
import { ApiError } from "./errors";
import { checkJsonLimits, type JsonLimits } from "./jsonLimits";

/**
 * JSON request bodies: size-limited, only with a JSON content type, and within `limits` (nesting
 * depth, sizes of named free-form fields; see jsonLimits.ts).
 */
export function jsonBody(limitBytes: number, limits: JsonLimits = {}): RequestHandler[] {
  return [
    (req, _res, next) => {
      if (!req.is("application/json")) {
        throw ApiError.unsupportedMediaType(
          `send the body as JSON with Content-Type: application/json (got ${JSON.stringify(
            String(req.headers["content-type"] ?? "none").slice(0, 64),
          )})`,
        );
      }
      next();
    },
    express.json({ limit: limitBytes, strict: true, type: "application/json" }),
    (req, _res, next) => {
      checkJsonLimits(req.body, limits);
      next();
    },
  ];
}
