/** Typed reading of query-string parameters: each bad value is a 400 that names the parameter. */
import type { Request } from "express";
import { ApiError } from "./errors";
import { describe } from "./ids";

export class Query {
  constructor(
    private readonly req: Request,
    allowed: readonly string[],
  ) {
    for (const name of Object.keys(req.query)) {
      if (!allowed.includes(name)) {
        throw ApiError.badRequest(
          "unknown_parameter",
          `unknown query parameter ${describe(name)}: this route accepts ${allowed.join(", ") || "none"}`,
        );
      }
    }
  }

  string(name: string, maxLength = 256): string | undefined {
    const value = this.req.query[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string") {
      throw ApiError.badRequest(
        "invalid_parameter",
        `query parameter "${name}" must be given once`,
      );
    }
    if (value.length > maxLength) {
      throw ApiError.badRequest(
        "invalid_parameter",
        `query parameter "${name}" is longer than ${maxLength} characters`,
      );
    }
    return value;
  }

  matching(name: string, pattern: RegExp, hint: string): string | undefined {
    const value = this.string(name);
    if (value !== undefined && !pattern.test(value)) {
      throw ApiError.badRequest(
        "invalid_parameter",
        `query parameter "${name}" is ${describe(value)}: ${hint}`,
      );
    }
    return value;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value !== undefined && !(values as readonly string[]).includes(value)) {
      throw ApiError.badRequest(
        "invalid_parameter",
        `query parameter "${name}" is ${describe(value)}: use one of ${values.join(", ")}`,
      );
    }
    return value as T | undefined;
  }

  /**
   * One value or several separated by commas (OpenAPI `style: form, explode: false`), each one of
   * `values`; duplicates are dropped.
   */
  listOf<T extends string>(name: string, values: readonly T[]): T[] | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const items = value.split(",");
    for (const item of items) {
      if (!(values as readonly string[]).includes(item)) {
        throw ApiError.badRequest(
          "invalid_parameter",
          `query parameter "${name}" has ${describe(item)}: use one or more of ${values.join(", ")}, separated by commas`,
        );
      }
    }
    return [...new Set(items as T[])];
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.string(name, 20);
    if (value === undefined) return undefined;
    const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw ApiError.badRequest(
        "invalid_parameter",
        `query parameter "${name}" is ${describe(value)}: use an integer from ${min} to ${max}`,
      );
    }
    return n;
  }

  boolean(name: string): boolean | undefined {
    const value = this.oneOf(name, ["true", "false"] as const);
    return value === undefined ? undefined : value === "true";
  }
}

/** Parses a request's query, accepting only the listed parameter names. */
export function query(req: Request, allowed: readonly string[]): Query {
  return new Query(req, allowed);
}
