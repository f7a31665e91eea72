/** JSON request bodies: size-limited, and only with a JSON content type. */
import express, { type Request, type RequestHandler } from "express";
import { ApiError } from "./errors";
import { checkJsonLimits, type JsonLimits } from "./json-limits";

/**
 * JSON request bodies: size-limited, only with a JSON content type, and within `limits` (nesting
 * depth, sizes of named free-form fields; see json-limits.ts).
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

/**
 * Reads a raw body whole, refusing it with `tooLarge()` (a 413) as soon as it passes `max` bytes,
 * or at once when its Content-Length says it will.
 *
 * @example
 * ```ts
 * const bytes = await readBoundedBody(req, max, () => ApiError.tooLarge("the package is too large"));
 * ```
 */
export async function readBoundedBody(
  req: Request,
  max: number,
  tooLarge: () => ApiError,
): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (declared > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  // Not destroyed when we stop early: the 413 must still reach the client on this connection.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
