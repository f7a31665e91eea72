/** Checks real answers of the server against openapi.yaml: route, status and body schema. */
import { contract, type OpenApiOperation, schemaValidator } from "../http/contract";

export interface Operation {
  template: string;
  method: string;
  operation: OpenApiOperation;
}

const REF = /^#\/components\/(schemas|responses)\/(\w+)$/;

export class OpenApiChecker {
  readonly doc = contract().doc;
  /** Every operation of the file, as [method, template] pairs (template relative to /api/v1). */
  readonly operations: Operation[] = Object.entries(this.doc.paths).flatMap(([template, ops]) =>
    Object.entries(ops).map(([method, operation]) => ({
      template,
      method: method.toUpperCase(),
      operation,
    })),
  );
  /** Operations exercised by check(), as "METHOD template". */
  readonly covered = new Set<string>();

  /** The operation a concrete request path (under /api/v1, without query) belongs to. */
  find(method: string, path: string): Operation | undefined {
    return this.operations.find((o) => {
      if (o.method !== method) return false;
      const pattern = new RegExp(`^${o.template.replace(/\{\w+\}/g, "[^/]+")}$`);
      return pattern.test(path);
    });
  }

  /** Throws unless `status` is documented for the request and `body` matches its schema. */
  check(
    method: string,
    url: string,
    status: number,
    body: unknown,
    contentType: string | null,
  ): void {
    const path = new URL(url, "http://x").pathname.replace(/^\/api\/v1/, "");
    const op = this.find(method, path);
    if (!op) throw new Error(`${method} ${path} is not in openapi.yaml`);
    this.covered.add(`${op.method} ${op.template}`);
    let response = op.operation.responses[String(status)];
    if (!response) {
      throw new Error(`${method} ${path} answered ${status}, which openapi.yaml does not list`);
    }
    if (response.$ref) {
      const name = REF.exec(response.$ref)?.[2];
      response = (this.doc.components as unknown as Record<string, Record<string, typeof response>>)
        .responses![name!]!;
    }
    if (!response.content || method === "HEAD") return;
    const mediaType = (contentType ?? "").split(";")[0]!.trim();
    const content = response.content[mediaType];
    if (!content) {
      throw new Error(`${method} ${path} ${status}: content type ${mediaType} is not documented`);
    }
    if (mediaType !== "application/json") return;
    const ref = (content.schema as { $ref?: string } | undefined)?.$ref;
    const schema = ref ? REF.exec(ref)?.[2] : undefined;
    if (!schema) return; // an unconstrained JSON body
    const validate = schemaValidator(schema);
    if (!validate(body)) {
      throw new Error(
        `${method} ${path} ${status} does not match ${schema}: ${JSON.stringify(validate.errors?.slice(0, 3))}`,
      );
    }
  }
}
