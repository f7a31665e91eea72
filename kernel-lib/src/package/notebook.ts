/**
 * A notebook's code cells made into one module of declarations, with TypeScript's compiler API.
 *
 * The rule, statement by statement at the top level of each code cell:
 * - kept: imports; function, class, interface, type, enum and namespace declarations; step
 *   definitions (`const x = func(...)`, `func` imported from "tsematic"); and constants whose
 *   initializers do no work (no call, `new`, `await`, assignment, `++`/`--` or tagged template outside
 *   function bodies) and use only kept names;
 * - left out: every other statement (`await pipeline(...)`, `console.log(...)`, asserts, loops,
 *   `const x = compute()`), and every statement of a cell tagged `tsematic-skip` or after `--cell N`;
 * - errors: a kept function, class or step that uses a left-out name (naming the cell and the name),
 *   a step definition whose `func()` arguments do work, and two steps with the same name.
 * A name declared in several cells is taken from the last cell that declares it, as the kernel would
 * after running the notebook top to bottom.
 *
 * Program mode (`program: true` with `upToCell: N`, for `tsematic submit notebook.ipynb --cell N`):
 * the statements of cell N that would be left out (its `await pipeline(...)`, and values computed
 * from them) are the program, emitted in order as the body of the exported async function
 * `PROGRAM_EXPORT`; other cells' work is still left out, and a program statement that needs a value
 * left out (another cell's work, a skipped cell) is an error naming the cell and the name.
 *
 * Cells are named by their 1-based position in the notebook, markdown cells counted: "cell 4" is
 * the fourth cell from the top.
 */
import type * as TS from "typescript";
import { PROGRAM_EXPORT, type PackagedCell } from "./archive";
import { cellSourceMap, type CellLine } from "./cellmap";
import { loadTool, PackagingError } from "./errors";

/** The tag that leaves a cell out of packages. */
export const SKIP_TAG = "tsematic-skip";

/** A code cell of a notebook. */
export interface CodeCell {
  /** 1-based position among all cells. */
  cell: number;
  source: string;
  tags: string[];
}

/** A notebook read for packaging: its code cells, and how many cells it has in all. */
export interface NotebookCells {
  cellCount: number;
  code: CodeCell[];
}

/** The module made from a notebook. */
export interface NotebookModule {
  /** Program mode: the program's cell. */
  program: number | null;
  /** TypeScript source of the module (imports first, then each cell's kept statements). */
  source: string;
  cells: PackagedCell[];
  /** The value names the module exports (every kept top-level value). */
  exports: string[];
  /** Step names defined by kept `func()` calls (in module order). */
  steps: string[];
  /** Source map (JSON) from the module to the cells, named `<notebook>.cell-<N>.ts`. */
  sourceMap: string;
  /** The cell line a 1-based module line came from. */
  locate(moduleLine: number): CellLine | undefined;
}

/** Reads the code cells of a notebook's JSON (outputs and execution counts are ignored). */
export function readNotebook(json: string, path: string): NotebookCells {
  let nb: unknown;
  try {
    nb = JSON.parse(json);
  } catch (err) {
    throw new PackagingError(`${path} is not a notebook: its JSON does not parse (${String(err)})`);
  }
  const cells = (nb as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) {
    throw new PackagingError(`${path} is not a notebook: it has no "cells" list`);
  }
  const code: CodeCell[] = [];
  cells.forEach((c: unknown, index) => {
    const cell = c as { cell_type?: unknown; source?: unknown; metadata?: { tags?: unknown } };
    if (cell.cell_type !== "code") return;
    const source = Array.isArray(cell.source) ? cell.source.join("") : String(cell.source ?? "");
    const tags = Array.isArray(cell.metadata?.tags) ? cell.metadata.tags.map(String) : [];
    code.push({ cell: index + 1, source, tags });
  });
  return { cellCount: cells.length, code };
}

type Status =
  | { kind: "kept" }
  | { kind: "program" }
  | { kind: "work" }
  | { kind: "skipped"; why: string }
  | { kind: "replaced"; by: number }
  | { kind: "uses"; name: string };

type Role = "import" | "declaration" | "step" | "value" | "work";

interface Stmt {
  node: TS.Statement;
  cell: number;
  /** 1-based line within the cell. */
  line: number;
  /** 0-based column of the statement's start in its line. */
  column: number;
  role: Role;
  names: string[];
  /** Value names (not types) the statement declares: what the module exports. */
  valueNames: string[];
  status: Status;
  stepName?: string;
}

interface ImportBinding {
  module: string;
  /** "default", "*", or the exported name. */
  imported: string;
  local: string;
  typeOnly: boolean;
}

/**
 * Makes the module of declarations of a notebook's code cells up to `upToCell` (all when null).
 *
 * @example
 * ```ts
 * const cells = readNotebook(readFileSync("pipeline.ipynb", "utf8"), "pipeline.ipynb");
 * const { source, steps } = await notebookModule(cells, { path: "pipeline.ipynb", upToCell: null });
 * ```
 */
export async function notebookModule(
  notebook: NotebookCells,
  options: { path: string; upToCell: number | null; program?: boolean },
): Promise<NotebookModule> {
  const ts = await loadTool<typeof TS>("typescript", () => import("typescript"));
  const { path, upToCell } = options;
  if (upToCell !== null && (upToCell < 1 || upToCell > notebook.cellCount)) {
    throw new PackagingError(
      `--cell ${upToCell} is not a cell of ${path}: it has ${notebook.cellCount} cells (1 to ${notebook.cellCount}, markdown cells counted)`,
    );
  }
  const programAt = options.program ? programCell(notebook, path, upToCell) : null;
  // One source text of every code cell, so that the checker resolves each name to its declaration.
  // A cell that does not parse would swallow the cells after it: it is an error, or (left out
  // anyway) it is not read at all.
  const SEPARATOR = "\n;\n";
  let text = "";
  const starts: { cell: CodeCell; start: number }[] = [];
  const syntaxErrors: string[] = [];
  for (const cell of notebook.code) {
    const problems = syntaxProblems(ts, cell);
    if (problems.length > 0) {
      const leftOut = cell.tags.includes(SKIP_TAG) || (upToCell !== null && cell.cell > upToCell);
      if (!leftOut) syntaxErrors.push(...problems);
      continue;
    }
    starts.push({ cell, start: text.length });
    text += cell.source + SEPARATOR;
  }
  if (syntaxErrors.length > 0) {
    throw new PackagingError(
      `${path} cannot be packaged: fix the syntax (or tag the cell ${SKIP_TAG}):\n  ${syntaxErrors.join("\n  ")}`,
    );
  }
  const fileName = "notebook.ts";
  const sourceFile = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.TS,
  );
  const program = ts.createProgram({
    rootNames: [fileName],
    options: { noLib: true, noResolve: true, types: [], target: ts.ScriptTarget.ES2022 },
    host: memoryHost(ts, sourceFile),
  });
  const checker = program.getTypeChecker();
  const programFile = program.getSourceFile(fileName)!;

  const cellOf = (pos: number): { cell: CodeCell; start: number } => {
    let found = starts[0] ?? { cell: { cell: 0, source: "", tags: [] }, start: 0 };
    for (const s of starts) if (s.start <= pos) found = s;
    return found;
  };
  const imports = new Map<string, ImportBinding>();
  const statements: Stmt[] = programFile.statements.map((node) => {
    const pos = node.getStart(programFile);
    const { cell, start } = cellOf(pos);
    const before = text.slice(start, pos).split("\n");
    const stmt: Stmt = {
      node,
      cell: cell.cell,
      line: before.length,
      column: before[before.length - 1]!.length,
      role: "work",
      names: [],
      valueNames: [],
      status: { kind: "kept" },
    };
    classify(ts, stmt, imports);
    if (cell.tags.includes(SKIP_TAG)) {
      stmt.status = { kind: "skipped", why: `cell ${cell.cell} is tagged ${SKIP_TAG}` };
    } else if (upToCell !== null && cell.cell > upToCell) {
      stmt.status = { kind: "skipped", why: `cell ${cell.cell} is after --cell ${upToCell}` };
    } else if (stmt.role === "work") {
      stmt.status = { kind: "work" };
    }
    return stmt;
  });
  // Empty statements made by the separators between cells are not statements of the notebook.
  const real = statements.filter((s) => !ts.isEmptyStatement(s.node));

  const stepDefinition = (node: TS.Node): TS.CallExpression | undefined => {
    if (!ts.isCallExpression(node)) return undefined;
    const callee = node.expression;
    if (ts.isIdentifier(callee)) {
      const b = imports.get(callee.text);
      if (b && b.module === "tsematic" && b.imported === "func") return node;
    } else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const b = imports.get(callee.expression.text);
      if (
        b &&
        b.module === "tsematic" &&
        (b.imported === "*" || b.imported === "default") &&
        callee.name.text === "func"
      ) {
        return node;
      }
    }
    return undefined;
  };

  const errors: string[] = [];
  const where = (s: Stmt): string => `cell ${s.cell}, line ${s.line}`;
  // Variable statements: step definitions, values that do no work, or work.
  for (const s of real) {
    if (!ts.isVariableStatement(s.node)) continue;
    const decls = s.node.declarationList.declarations;
    const calls = decls.map((d) => (d.initializer ? stepDefinition(d.initializer) : undefined));
    if (calls.some((c) => c !== undefined)) {
      s.role = "step";
      const call = calls.find((c) => c !== undefined)!;
      s.stepName = stepNameOf(ts, call, checker);
      if (s.status.kind === "work") s.status = { kind: "kept" };
      if (s.status.kind !== "kept") continue;
      const working = call.arguments.find((a) => doesWork(ts, a));
      if (working) {
        errors.push(
          `${where(s)}: the step ${s.stepName ? `"${s.stepName}"` : s.names.join(", ")} is defined with func() arguments that do work at the top level (${snippet(working.getText(programFile))}); write the options as a literal or a constant without calls`,
        );
      }
      if (!s.stepName) {
        errors.push(
          `${where(s)}: the step ${s.names.join(", ")} has no name: write func(function myStep(...) {...}) or func({ name: "myStep" }, ...)`,
        );
      }
    } else if (decls.every((d) => !d.initializer || !doesWork(ts, d.initializer))) {
      s.role = "value";
      if (s.status.kind === "work") s.status = { kind: "kept" };
    }
  }

  // A name declared in several cells comes from the last cell that declares it (cells left out by
  // tsematic-skip or --cell do not count: the package does not have them).
  const lastCell = new Map<string, number>();
  for (const s of real) {
    if (s.status.kind !== "skipped") for (const n of s.names) lastCell.set(n, s.cell);
  }
  for (const s of real) {
    if (s.status.kind !== "kept" || s.names.length === 0) continue;
    const later = s.names.map((n) => lastCell.get(n) ?? s.cell);
    if (later.every((c) => c > s.cell)) s.status = { kind: "replaced", by: Math.max(...later) };
  }
  /** The statement that provides `name` in the module; a left-out one when only those declare it. */
  const provider = (name: string): Stmt | undefined => {
    let present: Stmt | undefined;
    let absent: Stmt | undefined;
    for (const s of real) {
      if (!s.names.includes(name) || s.status.kind === "replaced") continue;
      if (s.status.kind === "skipped") absent = s;
      else present = s;
    }
    return present ?? absent;
  };

  // Program mode: what the program cell would leave out is the program.
  const isProgram = (s: Stmt | undefined): boolean => s?.status.kind === "program";
  if (programAt !== null) {
    for (const s of real) {
      if (s.cell === programAt && s.status.kind === "work") s.status = { kind: "program" };
    }
  }

  // Names each statement uses, resolved to top-level declarations by the checker.
  const usesOf = new Map<Stmt, Set<string>>();
  const topLevel = new Set<TS.Node>(real.map((s) => s.node));
  for (const s of real) usesOf.set(s, topLevelUses(ts, checker, s.node, topLevel));

  // Values that use a left-out name are left out too (to a fixed point); code that does is an error.
  const leftOut = (st: Stmt | undefined): boolean => st !== undefined && st.status.kind !== "kept";
  for (let changed = true; changed;) {
    changed = false;
    for (const s of real) {
      if (s.role !== "value" || s.status.kind !== "kept") continue;
      const bad = [...usesOf.get(s)!].find((n) => leftOut(provider(n)));
      if (!bad) continue;
      // In the program's cell, a value computed from the program's work is part of the program.
      s.status =
        s.cell === programAt && isProgram(provider(bad))
          ? { kind: "program" }
          : { kind: "uses", name: bad };
      changed = true;
    }
  }
  for (const s of real) {
    if (s.status.kind !== "program") continue;
    for (const name of usesOf.get(s)!) {
      const p = provider(name);
      if (!leftOut(p) || isProgram(p)) continue;
      errors.push(
        `cell ${s.cell}, line ${s.line}: the program (\`${snippet(s.node.getText(programFile))}\`) uses \`${name}\`, which is left out of the package because ${whyLeftOut(p!, provider)}. ${advice(p!, s)}`,
      );
    }
  }
  for (const s of real) {
    if (s.status.kind !== "kept" || s.role === "value" || s.role === "import") continue;
    for (const name of usesOf.get(s)!) {
      const p = provider(name);
      if (!leftOut(p)) continue;
      const what = s.stepName
        ? `the step "${s.stepName}"`
        : `\`${s.names.join(", ") || snippet(s.node.getText(programFile))}\``;
      errors.push(
        `cell ${s.cell}: ${what} uses \`${name}\`, which is left out of the package because ${whyLeftOut(p!, provider)}. ${advice(p!, s)}`,
      );
    }
  }

  // Duplicate step names among the kept steps.
  const stepsByName = new Map<string, Stmt[]>();
  for (const s of real) {
    if (s.role !== "step" || s.status.kind !== "kept" || !s.stepName) continue;
    stepsByName.set(s.stepName, [...(stepsByName.get(s.stepName) ?? []), s]);
  }
  for (const [name, list] of stepsByName) {
    if (list.length > 1) {
      errors.push(
        `two steps are named "${name}" (${list.map((s) => `${where(s)}: ${s.names.join(", ")}`).join("; ")}): a package finds steps by name, so give each step its own name`,
      );
    }
  }
  if (programAt !== null && !real.some((s) => isProgram(s))) {
    errors.push(
      `cell ${programAt} has no statement that does work, so there is no program to run: give --cell the cell that runs the pipeline (e.g. \`await pipeline(...)\`)`,
    );
  }
  if (errors.length > 0) {
    throw new PackagingError(`${path} cannot be packaged:\n  ${errors.join("\n  ")}`);
  }
  return emit(ts, path, programFile, real, imports, notebook, programAt);
}

/** Program mode: the cell N of `--cell N`, which must be a code cell that is not skipped. */
function programCell(notebook: NotebookCells, path: string, upToCell: number | null): number {
  if (upToCell === null) {
    throw new PackagingError(
      `a program of ${path} needs --cell N: the cell whose \`await pipeline(...)\` to run`,
    );
  }
  const cell = notebook.code.find((c) => c.cell === upToCell);
  if (!cell) {
    throw new PackagingError(
      `cell ${upToCell} of ${path} is not a code cell: give --cell the code cell that runs the pipeline`,
    );
  }
  if (cell.tags.includes(SKIP_TAG)) {
    throw new PackagingError(
      `cell ${upToCell} of ${path} is tagged ${SKIP_TAG}, so it cannot be the program: remove the tag or give another cell`,
    );
  }
  return upToCell;
}

/** What to do about `user` needing the left-out `provider`. */
function advice(provider: Stmt, user: Stmt): string {
  if (provider.status.kind === "skipped") {
    return provider.status.why.includes("--cell")
      ? `Package up to cell ${provider.cell} or later, or move the declaration before cell ${user.cell}`
      : `Remove the ${SKIP_TAG} tag from cell ${provider.cell}, or tag cell ${user.cell} too`;
  }
  if (user.status.kind === "program") {
    return `Compute it in cell ${user.cell} (the program), or inside a step`;
  }
  return `Compute it inside a step (or pass it as an argument), or tag cell ${user.cell} ${SKIP_TAG}`;
}

/** A cell's syntax errors, as `cell N, line L: message`. */
function syntaxProblems(ts: typeof TS, cell: CodeCell): string[] {
  const out = ts.transpileModule(cell.source, {
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  return (out.diagnostics ?? []).map((d) => {
    const line = d.start === undefined ? 1 : cell.source.slice(0, d.start).split("\n").length;
    return `cell ${cell.cell}, line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
}

function whyLeftOut(s: Stmt, provider: (name: string) => Stmt | undefined): string {
  const at = `cell ${s.cell}, line ${s.line}`;
  switch (s.status.kind) {
    case "work":
      return `it is set by a statement that does work at the top level (${at}: ${snippet(s.node.getText())})`;
    case "skipped":
      return `${s.status.why}`;
    case "program":
      return `it is set by the program of cell ${s.cell} (${at}: ${snippet(s.node.getText())}), which runs after every declaration`;
    case "uses": {
      const p = provider(s.status.name);
      return `it is a value (${at}) that uses \`${s.status.name}\`, which is left out because ${p ? whyLeftOut(p, provider) : "it is not declared"}`;
    }
    default:
      return `of ${at}`;
  }
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, " ").trim().replace(/ ;$/, ";");
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

/** Sets a statement's role and declared names; records import bindings. */
function classify(ts: typeof TS, s: Stmt, imports: Map<string, ImportBinding>): void {
  const node = s.node;
  if (ts.isImportDeclaration(node)) {
    s.role = "import";
    const module = (node.moduleSpecifier as TS.StringLiteral).text;
    const clause = node.importClause;
    const typeOnly = clause?.isTypeOnly ?? false;
    const add = (imported: string, local: string, t: boolean): void => {
      imports.set(local, { module, imported, local, typeOnly: typeOnly || t });
      s.names.push(local);
    };
    if (clause?.name) add("default", clause.name.text, false);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) add("*", bindings.name.text, false);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const el of bindings.elements) {
        add((el.propertyName ?? el.name).text, el.name.text, el.isTypeOnly);
      }
    }
    return;
  }
  if (ts.isImportEqualsDeclaration(node)) {
    s.role = "import";
    s.names.push(node.name.text);
    s.valueNames.push(node.name.text);
    return;
  }
  if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isEnumDeclaration(node)) {
    s.role = "declaration";
    if (node.name) {
      s.names.push(node.name.text);
      if (!isDeclare(ts, node)) s.valueNames.push(node.name.text);
    }
    return;
  }
  if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
    s.role = "declaration";
    s.names.push(node.name.text);
    return;
  }
  if (ts.isModuleDeclaration(node)) {
    s.role = "declaration";
    if (ts.isIdentifier(node.name)) s.names.push(node.name.text);
    return;
  }
  if (ts.isVariableStatement(node)) {
    for (const d of node.declarationList.declarations) {
      for (const n of bindingNames(ts, d.name)) {
        s.names.push(n);
        if (!isDeclare(ts, node)) s.valueNames.push(n);
      }
    }
    s.role = "work"; // refined once imports are known (step, value or work)
  }
}

function hasExport(ts: typeof TS, node: TS.Node): boolean {
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
}

function isDeclare(ts: typeof TS, node: TS.Node): boolean {
  return (
    (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some(
      (m) => m.kind === ts.SyntaxKind.DeclareKeyword,
    ) ?? false
  );
}

function bindingNames(ts: typeof TS, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const el of name.elements) {
    if (!ts.isOmittedExpression(el)) out.push(...bindingNames(ts, el.name));
  }
  return out;
}

/**
 * Whether evaluating `expr` at the top level does work: a call, `new`, `await`, an assignment,
 * `++`/`--`, `delete` or a tagged template anywhere outside function bodies.
 */
function doesWork(ts: typeof TS, expr: TS.Node): boolean {
  const visit = (n: TS.Node): boolean => {
    if (ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isClassExpression(n)) {
      return false;
    }
    if (
      ts.isCallExpression(n) ||
      ts.isNewExpression(n) ||
      ts.isAwaitExpression(n) ||
      ts.isTaggedTemplateExpression(n) ||
      ts.isDeleteExpression(n) ||
      ts.isYieldExpression(n) ||
      ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
        (n.operator === ts.SyntaxKind.PlusPlusToken ||
          n.operator === ts.SyntaxKind.MinusMinusToken)) ||
      (ts.isBinaryExpression(n) &&
        n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
        n.operatorToken.kind <= ts.SyntaxKind.LastAssignment)
    ) {
      return true;
    }
    return ts.forEachChild(n, visit) ?? false;
  };
  return visit(expr);
}

/** The step name a `func()` call gives: `options.name` when a string literal, else the function's name. */
function stepNameOf(
  ts: typeof TS,
  call: TS.CallExpression,
  checker: TS.TypeChecker,
): string | undefined {
  const [first, second] = call.arguments;
  const fn = second ?? first;
  if (second && first && ts.isObjectLiteralExpression(first)) {
    for (const p of first.properties) {
      if (
        ts.isPropertyAssignment(p) &&
        p.name.getText() === "name" &&
        ts.isStringLiteralLike(p.initializer)
      ) {
        return p.initializer.text;
      }
    }
  }
  if (!fn) return undefined;
  if (ts.isFunctionExpression(fn)) return fn.name?.text;
  if (ts.isIdentifier(fn)) {
    const decl = checker.getSymbolAtLocation(fn)?.declarations?.[0];
    if (decl && ts.isFunctionDeclaration(decl)) return decl.name?.text;
  }
  return undefined;
}

/** Top-level names a statement uses in value positions (types are erased: they need nothing). */
function topLevelUses(
  ts: typeof TS,
  checker: TS.TypeChecker,
  statement: TS.Statement,
  topLevel: ReadonlySet<TS.Node>,
): Set<string> {
  const uses = new Set<string>();
  const visit = (n: TS.Node): void => {
    // `class A extends B` evaluates B: the one type-like node that is a value.
    if (ts.isExpressionWithTypeArguments(n) && ts.isHeritageClause(n.parent)) {
      if (n.parent.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(n.parent.parent)) {
        visit(n.expression);
      }
      return;
    }
    if (ts.isTypeNode(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n)) return;
    if (ts.isIdentifier(n)) {
      const symbol =
        ts.isShorthandPropertyAssignment(n.parent) && n.parent.name === n
          ? checker.getShorthandAssignmentValueSymbol(n.parent)
          : checker.getSymbolAtLocation(n);
      for (const decl of symbol?.declarations ?? []) {
        const owner = topStatement(ts, decl);
        if (owner && owner !== statement && topLevel.has(owner)) {
          uses.add(symbol!.name);
          break;
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(statement, visit);
  return uses;
}

/** The top-level statement a node is part of. */
function topStatement(ts: typeof TS, node: TS.Node): TS.Node | undefined {
  let n: TS.Node = node;
  while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
  return n.parent ? n : undefined;
}

/** The module's text: imports (one per binding, deduplicated), then each cell's kept statements. */
function emit(
  ts: typeof TS,
  path: string,
  file: TS.SourceFile,
  statements: Stmt[],
  imports: Map<string, ImportBinding>,
  notebook: NotebookCells,
  program: number | null,
): NotebookModule {
  const lines: string[] = [
    `// The declarations of ${path}, made into one module by \`tsematic package\`.`,
  ];
  const origins: (CellLine | undefined)[] = [undefined];
  const kept = statements.filter((s) => s.status.kind === "kept");
  const sideEffectImports = new Set<string>();
  const keptImportNames = new Set<string>();
  for (const s of kept) {
    if (s.role !== "import") continue;
    if (ts.isImportDeclaration(s.node)) {
      if (!s.node.importClause) {
        sideEffectImports.add((s.node.moduleSpecifier as TS.StringLiteral).text);
      }
      for (const n of s.names) keptImportNames.add(n);
    }
  }
  /** Import lines map to the cell line of the import they come from. */
  const importOrigin = (test: (st: Stmt) => boolean): CellLine | undefined => {
    const st = [...kept].reverse().find((k) => k.role === "import" && test(k));
    return st && { cell: st.cell, line: st.line, column: 0 };
  };
  const importLine = (text: string, origin: CellLine | undefined): void => {
    lines.push(text);
    origins[lines.length - 1] = origin;
  };
  for (const m of [...sideEffectImports]) {
    importLine(
      `import ${JSON.stringify(m)};`,
      importOrigin((st) => ts.isImportDeclaration(st.node) && !st.node.importClause),
    );
  }
  for (const local of keptImportNames) {
    const b = imports.get(local)!;
    const from = JSON.stringify(b.module);
    const type = b.typeOnly ? "type " : "";
    const origin = importOrigin((st) => st.names.includes(local));
    if (b.imported === "default") {
      importLine(`import ${type}${local} from ${from};`, origin);
    } else if (b.imported === "*") {
      importLine(`import ${type}* as ${local} from ${from};`, origin);
    } else {
      const binding = b.imported === local ? local : `${b.imported} as ${local}`;
      importLine(`import ${type}{ ${binding} } from ${from};`, origin);
    }
  }
  // A statement's text, line by line, each line remembering where in its cell it came from.
  const emit = (s: Stmt): void => {
    s.node
      .getText(file)
      .split("\n")
      .forEach((text, i) => {
        lines.push(text);
        origins[lines.length - 1] = {
          cell: s.cell,
          line: s.line + i,
          column: i === 0 ? s.column : 0,
        };
      });
  };
  const exports: string[] = [];
  const steps: string[] = [];
  let cell = 0;
  for (const s of kept) {
    if (s.role === "import" && ts.isImportDeclaration(s.node)) continue;
    if (s.cell !== cell) {
      cell = s.cell;
      lines.push("", `// cell ${cell}`);
    }
    emit(s);
    // A cell's own `export const x` is exported already: listing it again would be an error.
    if (!hasExport(ts, s.node)) exports.push(...s.valueNames);
    if (s.stepName) steps.push(s.stepName);
  }
  const exported = [...new Set(exports)];
  if (exported.length > 0) lines.push("", `export { ${exported.join(", ")} };`);
  if (program !== null) {
    // Verbatim, so the source map still points at the cell's lines; run by the driver, never on require.
    lines.push("", `// cell ${program}: the program (tsematic submit --cell ${program})`);
    lines.push(`export async function ${PROGRAM_EXPORT}(): Promise<void> {`);
    for (const s of statements.filter((st) => st.status.kind === "program")) {
      emit(s);
    }
    lines.push("}");
  }
  const cells: PackagedCell[] = notebook.code.map((c) => {
    const mine = statements.filter((s) => s.cell === c.cell);
    const skipped = mine.find((s) => s.status.kind === "skipped");
    const line = (s: Stmt): string =>
      `line ${s.line}: ${snippet(s.node.getText(file))}${reasonSuffix(s)}`;
    const packaged: PackagedCell = {
      cell: c.cell,
      kept: [...new Set(mine.filter((s) => s.status.kind === "kept").flatMap((s) => s.names))],
      leftOut:
        skipped && skipped.status.kind === "skipped"
          ? [skipped.status.why]
          : mine.filter((s) => s.status.kind !== "kept" && s.status.kind !== "program").map(line),
    };
    if (c.cell === program) {
      packaged.program = mine.filter((s) => s.status.kind === "program").map(line);
    }
    return packaged;
  });
  const notebookFile = path.split("/").pop()!;
  return {
    program,
    source: `${lines.join("\n")}\n`,
    cells,
    exports: exported,
    steps,
    sourceMap: cellSourceMap(lines, origins, notebook.code, notebookFile),
    locate: (moduleLine) => origins[moduleLine - 1],
  };
}

function reasonSuffix(s: Stmt): string {
  if (s.status.kind === "replaced") return ` (declared again in cell ${s.status.by})`;
  if (s.status.kind === "uses") return ` (uses \`${s.status.name}\`, left out)`;
  return "";
}

/** A compiler host that knows only the notebook's one source file. */
function memoryHost(ts: typeof TS, file: TS.SourceFile): TS.CompilerHost {
  return {
    getSourceFile: (name) => (name === file.fileName ? file : undefined),
    getDefaultLibFileName: () => "lib.d.ts",
    writeFile: () => undefined,
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (name) => name === file.fileName,
    readFile: () => undefined,
  };
}
