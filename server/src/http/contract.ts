/**
 * The API contract, read from openapi.yaml: request bodies are validated against the same schemas
 * that document them, so the documentation cannot drift from what the server accepts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import { parse } from "yaml";
import { INGESTED_FIELDS } from "../model/events";
import { ApiError } from "./errors";

export const OPENAPI_FILE = join(__dirname, "..", "..", "openapi.yaml");

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
}

export interface OpenApiOperation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }>;
  parameters?: unknown[];
}

let cached: { doc: OpenApiDocument; ajv: Ajv2020 } | undefined;

/** The parsed openapi.yaml and an Ajv instance that knows it as `openapi`. */
export function contract(): { doc: OpenApiDocument; ajv: Ajv2020 } {
  if (!cached) {
    const doc = parse(readFileSync(OPENAPI_FILE, "utf8")) as OpenApiDocument;
    const ajv = new Ajv2020({ strict: false, discriminator: true, allErrors: false });
    ajv.addSchema(doc, "openapi");
    cached = { doc, ajv };
  }
  return cached;
}

/** A validator for `#/components/schemas/<name>`. */
export function schemaValidator(name: string): ValidateFunction {
  const { ajv } = contract();
  return ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
}

/** Returns a function that throws a 400 naming the first problem when a body does not match. */
export function bodyChecker<T>(schema: string, what: string): (body: unknown) => T {
  const validate = schemaValidator(schema);
  return (body) => {
    if (!validate(body)) {
      throw ApiError.badRequest(
        "invalid_body",
        `${what} is not valid: ${describeError(validate.errors?.[0])}; see ${schema} in openapi.yaml`,
      );
    }
    return body as T;
  };
}

function describeError(e: ErrorObject | undefined): string {
  if (!e) return "it does not match its schema";
  const where = e.instancePath === "" ? "the body" : e.instancePath;
  if (e.keyword === "additionalProperties") {
    return `${where} has an unknown property "${String(e.params.additionalProperty).slice(0, 64)}"`;
  }
  if (e.keyword === "discriminator") {
    return `${where}/type must be one of ${Object.keys(INGESTED_FIELDS).join(", ")}`;
  }
  return `${where} ${e.message ?? "is invalid"}`;
}
