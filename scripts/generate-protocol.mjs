// Writes the wire types, generated from server/openapi.yaml by openapi-typescript, into each package
// that speaks the protocol: kernel-lib/src/wire.ts, server/src/wire.ts and extension/wire.ts. The
// three files are the same bytes from the one contract. They are copies, not one shared file,
// because no package may import another's sources: kernel-lib and the extension never import the
// server, the server builds before kernel-lib (kernel-lib's tests import it), and each package must
// still pack and install alone (`npm pack`). The hand-written types in each package are aliases of
// these, so a schema change that code does not handle fails its type check.
// Usage: node scripts/generate-protocol.mjs [--check]
//   --check: writes nothing; exits 1 naming each file that is missing or differs from openapi.yaml.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import * as prettier from "prettier";
import ts from "typescript";
import { parse } from "yaml";

const repo = resolve(dirname(new URL(import.meta.url).pathname), "..");
const CONTRACT = "server/openapi.yaml";
export const TARGETS = ["kernel-lib/src/wire.ts", "server/src/wire.ts", "extension/wire.ts"];

const HEADER = `/**
 * The lineage server's wire types, generated from server/openapi.yaml (the contract) by
 * scripts/generate-protocol.mjs with openapi-typescript. Do not edit: change openapi.yaml, then run
 * \`node scripts/generate-protocol.mjs\`; \`npm run lint\` fails while this file is stale.
 *
 * @example
 * \`\`\`ts
 * import type { RunEvent } from "./wire";
 * const seen = (e: RunEvent): string => e.type;
 * \`\`\`
 */
`;

const JSON_ALIAS =
  "/** Any JSON value (openapi.yaml: JsonValue). */\n" +
  "type Json = null | boolean | number | string | Json[] | { [key: string]: Json };\n";

/** The generated module's text, formatted as the repository formats TypeScript. */
async function generate() {
  const doc = parse(readFileSync(join(repo, CONTRACT), "utf8"));
  // Ajv reads a discriminator from each member's `const` (it rejects `mapping`); openapi-typescript
  // would instead inject the member's schema name as the tag. Without the keyword, each member keeps
  // its own `type: <const>`, which is what the server validates.
  for (const schema of Object.values(doc.components?.schemas ?? {})) {
    delete schema.discriminator;
  }
  const ast = await openapiTS(doc, {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    // `type: object` with no properties (an artifact summary) is free-form JSON, not `{}`.
    emptyObjectsUnknown: true,
    // JSON Schema's JsonValue refers to itself; TypeScript cannot recurse through
    // `components["schemas"][...]`, so the schema becomes the recursive alias `Json` injected here.
    inject: JSON_ALIAS,
    transform: (schema, { path }) =>
      path === "#/components/schemas/JsonValue"
        ? ts.factory.createTypeReferenceNode("Json")
        : undefined,
    silent: true,
  });
  const source = HEADER + astToString(ast);
  const target = join(repo, TARGETS[0]);
  const options = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(source, { ...options, filepath: target });
}

const check = process.argv.includes("--check");
const text = await generate();
const stale = [];
for (const target of TARGETS) {
  const path = join(repo, target);
  let current;
  try {
    current = readFileSync(path, "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) stale.push(target);
  else writeFileSync(path, text);
}
if (stale.length > 0) {
  console.error(
    `${stale.join(", ")} ${stale.length === 1 ? "does" : "do"} not match ${CONTRACT}: ` +
      "run `node scripts/generate-protocol.mjs` and commit the result.",
  );
  process.exit(1);
}
