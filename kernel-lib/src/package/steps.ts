/**
 * The steps of a bundle, found in its text: every `func(...)` call of the `tsematic` module, with the
 * name `func()` will give the step and the SHA-256 of the function's text in the bundle (what
 * `func()` computes as `sourceHash` when the bundle runs, since `Function.prototype.toString` returns
 * exactly that text).
 */
import type * as TS from "typescript";
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
  const exportLists = new Map<string, string[]>();
  let entryExports: string | undefined;
  /** Variables holding the `tsematic` module: `var import_tsematic = require("tsematic")`. */
  const modules = new Set<string>();
  const visit = (n: TS.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name) functions.set(n.name.text, n);
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
    steps.push({ name, sourceHash: sha256(node.getText(file)) });
  }
  steps.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const exports = [...((entryExports && exportLists.get(entryExports)) || [])].sort();
  return { steps, exports };
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
