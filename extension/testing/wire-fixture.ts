/**
 * Test fixtures that stand for the lineage server's answers, checked against server/openapi.yaml
 * twice: at compile time by the generated type of the schema they name, and when the test runs by
 * the same Ajv validator the server's own tests check real answers with (server/src/http/contract.ts).
 * A fixture that drifts from the contract fails the test that uses it, naming the schema and field.
 * Test code only: the extension itself never imports the server (tsconfig.json excludes testing/).
 *
 * @example
 * ```ts
 * const job = wireFixture("Job", { id: "j1", kind: "step", ... }); // throws if it is not a Job
 * ```
 */
import { schemaValidator } from "@tsematic/server/lib/http/contract";
import type { components } from "../wire";

type Schemas = components["schemas"];

/** `value`, after checking it is a valid `schema` of openapi.yaml (throws naming what is wrong). */
export function wireFixture<Name extends keyof Schemas>(
  schema: Name,
  value: Schemas[Name],
): Schemas[Name] {
  const validate = schemaValidator(schema);
  if (!validate(value)) {
    const problems = (validate.errors ?? [])
      .slice(0, 3)
      .map(
        (e) =>
          `${e.instancePath || "(the value)"} ${e.message ?? "is invalid"}` +
          (e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : ""),
      )
      .join("; ");
    throw new Error(
      `This test fixture is not a valid ${schema} of server/openapi.yaml: ${problems}. ` +
        "Update the fixture to the contract (the extension must read what the server sends).",
    );
  }
  return value;
}
