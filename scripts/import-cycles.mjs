// Fails when TypeScript sources import each other in a cycle (a module that is half-initialized
// when its importer runs, and a sign that two files share one purpose). Relative imports only:
// packages cannot cycle through one another here (kernel-lib and the extension never import the
// server). Imports erased by the compiler (`import type`) do not run, so they are left out unless
// `--with-types` is given (a type cycle is still two files that cannot be read apart: worth
// mending, not yet a failure).
// Usage: node scripts/import-cycles.mjs [--with-types]  → prints each cycle, exits 1 when there is one.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

const ts = createRequire(import.meta.url)("typescript");
const ROOTS = [
  "kernel-lib/src",
  "server/src",
  "extension",
  "tutorial-tests/src",
  "bench/src",
  "ui-tests",
];
const repo = resolve(dirname(new URL(import.meta.url).pathname), "..");

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!["node_modules", "lib", "test-output", "labextension"].includes(entry.name)) {
        yield* sources(path);
      }
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
      yield path;
    }
  }
}

/** The source file a relative specifier names, as TypeScript resolves it (".js" → ".ts", index). */
function resolveRelative(from, specifier) {
  const base = resolve(dirname(from), specifier.replace(/\.js$/, ""));
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const TYPES_TOO = process.argv.includes("--with-types");

/** `import type { A }`, `import { type A }` and `export type { A } from`: erased when compiled. */
function isTypeOnly(statement) {
  if (ts.isExportDeclaration(statement)) return statement.isTypeOnly;
  const clause = statement.importClause;
  if (!clause) return false; // a side-effect import runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    !!bindings &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

function importsOf(path) {
  const file = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest);
  const out = [];
  for (const statement of file.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier &&
      ts.isStringLiteral(statement.moduleSpecifier)
        ? statement.moduleSpecifier.text
        : null;
    if (!specifier?.startsWith(".")) continue;
    if (TYPES_TOO === false && isTypeOnly(statement)) continue;
    const target = resolveRelative(path, specifier);
    if (target) out.push(target);
  }
  return out;
}

const graph = new Map();
for (const root of ROOTS) {
  const dir = join(repo, root);
  if (!existsSync(dir)) continue;
  for (const path of sources(dir)) graph.set(path, importsOf(path));
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
let index = 0;
const indices = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const cycles = [];
function visit(v) {
  indices.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!indices.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) {
      low.set(v, Math.min(low.get(v), indices.get(w)));
    }
  }
  if (low.get(v) === indices.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component);
  }
}
for (const v of graph.keys()) if (!indices.has(v)) visit(v);

if (cycles.length === 0) {
  console.log(`import cycles: none among ${graph.size} files`);
} else {
  for (const component of cycles) {
    console.error(
      `import cycle: ${component
        .map((p) => relative(repo, p))
        .sort()
        .join(" ↔ ")}`,
    );
  }
  console.error(
    `${cycles.length} import cycle(s): move what the files share into a module both import.`,
  );
  process.exit(1);
}
