/**
 * The one error shape of the API: `{ error: { code, message } }` with a 4xx status for anything the
 * caller can fix. Messages say what was wrong and what to do next.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request's parameter this error is about (a rerun's new input), when there is one. */
    readonly parameter?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  static badRequest(code: string, message: string): ApiError {
    return new ApiError(400, code, message);
  }
  static unauthorized(message: string): ApiError {
    return new ApiError(401, "unauthorized", message);
  }
  static notFound(code: string, message: string): ApiError {
    return new ApiError(404, code, message);
  }
  static conflict(code: string, message: string): ApiError {
    return new ApiError(409, code, message);
  }
  static tooLarge(message: string): ApiError {
    return new ApiError(413, "body_too_large", message);
  }
  static unsupportedMediaType(message: string): ApiError {
    return new ApiError(415, "unsupported_media_type", message);
  }
  static insufficientStorage(message: string): ApiError {
    return new ApiError(507, "insufficient_storage", message);
  }

  static unprocessable(code: string, message: string): ApiError {
    return new ApiError(422, code, message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

export function errorBody(code: string, message: string, parameter?: string): ErrorBody {
  return { error: { code, message, ...(parameter !== undefined ? { parameter } : {}) } };
}

/** Answers requests that matched no route. */
export const routeNotFound: RequestHandler = (req, res) => {
  res
    .status(404)
    .json(
      errorBody(
        "route_not_found",
        `no route ${req.method} ${req.path}: the API is under /api/v1, see openapi.yaml`,
      ),
    );
};

/** Body-parser failures carry a `type`; map them to messages a client can act on. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  "entity.parse.failed": [
    400,
    "invalid_json",
    "the request body is not valid JSON: fix its syntax",
  ],
  "entity.too.large": [
    413,
    "body_too_large",
    "the request body is too large: send smaller batches",
  ],
  "entity.verify.failed": [400, "invalid_body", "the request body was rejected"],
  "encoding.unsupported": [
    415,
    "unsupported_encoding",
    "the Content-Encoding is not supported: send the body uncompressed or gzip",
  ],
  "charset.unsupported": [415, "unsupported_charset", "send JSON as UTF-8"],
  "request.aborted": [400, "request_aborted", "the request was aborted before its body arrived"],
  "request.size.invalid": [
    400,
    "invalid_body_size",
    "the body length does not match Content-Length",
  ],
  "parameters.too.many": [413, "too_many_parameters", "too many parameters"],
};

/** Errors of a full disk, from the file system or from sqlite. */
const DISK_FULL_CODES = new Set(["ENOSPC", "EDQUOT", "SQLITE_FULL"]);

function diskFull(err: unknown): ApiError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !DISK_FULL_CODES.has(code)) return undefined;
  return ApiError.insufficientStorage(
    `the disk that holds the server's data directory is full (${code}): free space on it (or start ` +
      "the server with --data-dir on a larger disk), then retry. Nothing from this request was stored",
  );
}

/**
 * What is read and discarded of a refused body after answering, at most: a guard against a client
 * that ignores the answer. Time is the real bound ({@link LINGER_MS}); a small byte bound would close
 * the socket while the client's earlier writes are still in flight (loopback buffers hold several
 * MiB), and that reset destroyed the answer before the client read it.
 */
export const LINGER_BYTES = 64 * 1024 * 1024;
// As long as a loaded machine may need to deliver the answer and let the client read it (Apache: 30 s).
const LINGER_MS = 30_000;

/**
 * The rest of a refused body is not worth reading, but closing a socket with unread data makes the
 * kernel send a reset that can destroy the answer before the client reads it. So after answering,
 * discard what the client keeps sending until it stops (it stops once it reads the answer), for at
 * most {@link LINGER_MS} or {@link LINGER_BYTES}, then close.
 */
function lingerThenClose(req: IncomingMessage, res: ServerResponse): void {
  // Not `Connection: close`, even when the client asked for it: Node would then destroy the socket
  // right after the answer, with the client's writes unread (a reset that a client with
  // `Connection: close`, like node's http.request without an agent, got instead of its 413).
  res.shouldKeepAlive = true;
  const clientCloses = /\bclose\b/i.test(String(req.headers.connection ?? ""));
  res.once("finish", () => {
    if (req.complete) return;
    const socket = req.socket;
    let discarded = 0;
    const close = (): void => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(close, LINGER_MS);
    timer.unref();
    req.on("data", (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_BYTES) close();
    });
    req.once("end", () => {
      clearTimeout(timer);
      // Everything was read: ending now sends no reset. The client asked to close after this answer.
      if (clientCloses) socket.end();
    });
    req.once("error", close);
    req.resume();
  });
}

export function errorHandler(log: (message: string) => void): ErrorRequestHandler {
  return (caught: unknown, req, res, _next) => {
    const full = diskFull(caught);
    const err = full ?? caught;
    const [status, body] = toResponse(err);
    if (full) {
      log(`disk full: ${caught instanceof Error ? caught.message : String(caught)}`);
    } else if (status >= 500) {
      log(`internal error: ${err instanceof Error ? err.stack : String(err)}`);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if ((status === 413 || status === 507) && !req.complete) lingerThenClose(req, res);
    res.status(status).json(body);
  };
}

function toResponse(err: unknown): [number, ErrorBody] {
  if (err instanceof ApiError) {
    return [err.status, errorBody(err.code, err.message, err.parameter)];
  }
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e?.type === "string" && BODY_ERRORS[e.type]) {
    const [status, code, message] = BODY_ERRORS[e.type]!;
    return [status, errorBody(code, message)];
  }
  const status = typeof e?.status === "number" ? e.status : e?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    // e.g. a path segment that is not valid percent-encoding.
    return [status, errorBody("bad_request", `the request is malformed: ${String(e.message)}`)];
  }
  return [500, errorBody("internal", "the server failed to handle this request; see its log")];
}
