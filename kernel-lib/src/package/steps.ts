/**
 * The steps of a bundle, found in its text: every `func(...)` call of the `tsematic` module, with the
 * name `func()` will give the step and the SHA-256 of the function's text in the bundle (what
 * `func()` computes as `sourceHash` when the bundle runs, since `Function.prototype.toString` returns
 * exactly that text), with the `resources`, `remote`, `timeoutMs` and `retry` attempts it declares as
 * literals (read from the text, not by running the bundle: a script's bundle is its program and would
 * start working).
 */
import type * as TS from "typescript";
import type { ResourceRequest } from "../events";
import type { PackagedStep } from "./archive";
import { sha256 } from "./archive";
import { loadTool } from "./errors";

/** What a bundle defines: its steps and the names its entry exports. */
export interface BundleContents {
  steps: PackagedStep[];
  exports: string[];
}

/**
 * Steps defined at any depth of `code` (a CommonJS bundle made by {@link bundle}), and the names
 * its entry exports (`module.exports = __toCommonJS(entry_exports)` with `__export(entry_exports,
 * { name: () => value, ... })`; esbuild's metafile lists no exports for CommonJS output).
 */
export async function contentsOfBundle(code: string): Promise<BundleContents> {
  const ts = await loadTool<typeof TS>("typescript", () => import("typescript"));
  const file = ts.createSourceFile(
    "bundle.js",
    code,
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.JS,
  );
  const functions = new Map<string, TS.FunctionDeclaration>();
  /** keepNames: `__name(fn, "name")` gives the name the user wrote to a renamed function. */
  const keptNames = new Map<string, string>();
  const calls: TS.CallExpression[] = [];
  /** Initializers of variables, by name; a name declared twice (two scopes) is ambiguous: null. */
  const constants = new Map<string, TS.Expression | null>();
  const exportLists = new Map<string, string[]>();
  let entryExports: string | undefined;
  /** Variables holding the `tsematic` module: `var import_tsematic = require("tsematic")`. */
  const modules = new Set<string>();
  const visit = (n: TS.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name) functions.set(n.name.text, n);
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) {
      const name = n.name.text;
      constants.set(name, constants.has(name) ? null : (n.initializer ?? null));
    }
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.initializer &&
      requiresTsematic(ts, n.initializer)
    ) {
      modules.add(n.name.text);
    }
    if (ts.isCallExpression(n)) {
      const [target, name] = n.arguments;
      if (
        isCallee(ts, n.expression, "__name") &&
        target &&
        ts.isIdentifier(target) &&
        name &&
        ts.isStringLiteral(name)
      ) {
        keptNames.set(target.text, name.text);
      }
      const [list, names] = n.arguments;
      if (
        isCallee(ts, n.expression, "__export") &&
        list &&
        ts.isIdentifier(list) &&
        names &&
        ts.isObjectLiteralExpression(names)
      ) {
        exportLists.set(
          list.text,
          names.properties.flatMap((p) =>
            p.name ? [p.name.getText(file).replace(/^["']|["']$/g, "")] : [],
          ),
        );
      }
      if (isCallee(ts, n.expression, "__toCommonJS") && list && ts.isIdentifier(list)) {
        entryExports = list.text;
      }
      calls.push(n);
    }
    ts.forEachChild(n, visit);
  };
  visit(file);
  const funcCalls = calls.filter((c) => isFunc(ts, c.expression, modules));
  const steps: PackagedStep[] = [];
  for (const call of funcCalls) {
    const [first, second] = call.arguments;
    let fn: TS.Expression | undefined = second ?? first;
    let name = second && first ? literalName(ts, first) : undefined;
    // `__name(function f() {...}, "f")`: the function is the first argument.
    if (fn && ts.isCallExpression(fn) && isCallee(ts, fn.expression, "__name")) {
      const [inner, kept] = fn.arguments;
      if (kept && ts.isStringLiteral(kept)) name ??= kept.text;
      fn = inner;
    }
    if (!fn) continue;
    let node: TS.Node | undefined;
    if (ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) {
      node = fn;
      if (ts.isFunctionExpression(fn)) name ??= fn.name?.text;
    } else if (ts.isIdentifier(fn)) {
      node = functions.get(fn.text);
      name ??= keptNames.get(fn.text) ?? functions.get(fn.text)?.name?.text;
    }
    if (!node || !name) continue;
    const step: PackagedStep = { name, sourceHash: sha256(node.getText(file)) };
    const options = second && first ? literalValue(ts, first, constants, 0) : undefined;
    if (options !== null && typeof options === "object" && !Array.isArray(options)) {
      const { resources, remote, timeoutMs, retry } = options as Record<string, unknown>;
      const request = resourceRequest(resources);
      if (request) step.resources = request;
      if (typeof remote === "boolean") step.remote = remote;
      if (typeof timeoutMs === "number") step.timeoutMs = timeoutMs;
      const attempts = retryAttempts(retry);
      if (attempts !== undefined) step.attempts = attempts;
    }
    steps.push(step);
  }
  steps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const exports = [...((entryExports && exportLists.get(entryExports)) || [])].sort();
  return { steps, exports };
}

/** Not a value the packager can read without running the code. */
const UNKNOWN = Symbol("unknown");

/**
 * The value of an expression made of literals only (objects, arrays, numbers, strings, booleans,
 * `-n`), following identifiers to the initializers of variables declared once; {@link UNKNOWN}
 * for anything that would need the code to run.
 */
function literalValue(
  ts: typeof TS,
  expr: TS.Expression,
  constants: ReadonlyMap<string, TS.Expression | null>,
  depth: number,
): unknown {
  if (depth > 20) return UNKNOWN;
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) {
    e = e.expression;
  }
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = literalValue(ts, e.operand, constants, depth + 1);
    return typeof v === "number" ? -v : UNKNOWN;
  }
  if (ts.isIdentifier(e)) {
    const init = constants.get(e.text);
    return init ? literalValue(ts, init, constants, depth + 1) : UNKNOWN;
  }
  if (ts.isArrayLiteralExpression(e)) {
    const items = e.elements.map((el) => literalValue(ts, el, constants, depth + 1));
    return items.includes(UNKNOWN) ? UNKNOWN : items;
  }
  if (ts.isObjectLiteralExpression(e)) {
    const out: Record<string, unknown> = {};
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
        out[p.name.text] = literalValue(ts, p.initializer, constants, depth + 1);
      } else if (ts.isShorthandPropertyAssignment(p)) {
        out[p.name.text] = literalValue(ts, p.name, constants, depth + 1);
      } else if (ts.isSpreadAssignment(p)) {
        const spread = literalValue(ts, p.expression, constants, depth + 1);
        if (spread === null || typeof spread !== "object" || Array.isArray(spread)) return UNKNOWN;
        Object.assign(out, spread);
      } else {
        // A method, accessor or computed name: the object is still read, that property is not.
        const key = p.name && ts.isIdentifier(p.name) ? p.name.text : undefined;
        if (key) out[key] = UNKNOWN;
      }
    }
    return out;
  }
  return UNKNOWN;
}

/** `resources` when every field of it was read (numbers only); else undefined. */
function resourceRequest(value: unknown): ResourceRequest | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const out: ResourceRequest = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (key !== "cpus" && key !== "memoryMiB" && key !== "gpus") return undefined;
    if (v === undefined) continue;
    if (typeof v !== "number") return undefined;
    out[key] = v;
  }
  return out;
}

/** The total tries of `retry: N` or `retry: { attempts: N, ... }` (the rest may be code). */
function retryAttempts(retry: unknown): number | undefined {
  if (typeof retry === "number") return retry;
  if (retry === null || typeof retry !== "object" || Array.isArray(retry)) return undefined;
  const { attempts } = retry as Record<string, unknown>;
  return typeof attempts === "number" ? attempts : undefined;
}

/** `m.func` or `(0, m.func)` (esbuild's form of an imported function's call), `m` the tsematic module. */
function isFunc(ts: typeof TS, callee: TS.Expression, modules: ReadonlySet<string>): boolean {
  let e = callee;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) e = e.right;
  return (
    ts.isPropertyAccessExpression(e) &&
    e.name.text === "func" &&
    ts.isIdentifier(e.expression) &&
    modules.has(e.expression.text)
  );
}

/** `require("tsematic")`, possibly wrapped (`__toESM(require("tsematic"))`). */
function requiresTsematic(ts: typeof TS, init: TS.Expression): boolean {
  if (!ts.isCallExpression(init)) return false;
  const [arg] = init.arguments;
  if (ts.isIdentifier(init.expression) && init.expression.text === "require") {
    return arg !== undefined && ts.isStringLiteral(arg) && arg.text === "tsematic";
  }
  return arg !== undefined && requiresTsematic(ts, arg);
}

function isCallee(ts: typeof TS, callee: TS.Expression, name: string): boolean {
  let e = callee;
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) e = e.right;
  if (ts.isIdentifier(e)) return e.text === name;
  return ts.isPropertyAccessExpression(e) && e.name.text === name;
}

function literalName(ts: typeof TS, options: TS.Expression): string | undefined {
  if (!ts.isObjectLiteralExpression(options)) return undefined;
  for (const p of options.properties) {
    if (
      ts.isPropertyAssignment(p) &&
      p.name.getText() === "name" &&
      ts.isStringLiteralLike(p.initializer)
    ) {
      return p.initializer.text;
    }
  }
  return undefined;
}
