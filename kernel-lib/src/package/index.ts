/**
 * Code packages: a script or a notebook, with its local imports, as one content-addressed archive
 * that a worker can load without the original machine (design.md, "Cloud runs (promotion)").
 *
 * Not exported from `tsematic`'s main module: load it as `tsematic/lib/package`, so a notebook that
 * imports `tsematic` never loads esbuild or TypeScript (this module loads them on first use).
 *
 * @example
 * ```ts
 * import { buildPackage } from "tsematic/lib/package";
 *
 * const pkg = await buildPackage("tutorials/01-first-pipeline.ipynb");
 * pkg.id;                 // same notebook code + same lockfile: same id
 * pkg.manifest.steps;     // [{ name: "bigReport", sourceHash: "..." }, ...] (+ resources, remote)
 *
 * // What `tsematic submit pipeline.ipynb --cell 6` runs: cells 1..6's declarations + cell 6's work
 * const program = await buildPackage("pipeline.ipynb", { upToCell: 6, program: true });
 * program.manifest.entry;  // { kind: "notebook", upToCell: 6, program: "program.js", programCell: 6, ... }
 * ```
 */
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import {
  canonicalJson,
  encodeArchive,
  localDependencyKey,
  PACKAGE_FORMAT,
  packageId,
  PROGRAM_EXPORT,
  PROGRAM_FILE,
  sha256,
  type PackageArchive,
  type PackageEntry,
  type PackageManifest,
} from "./archive";
import { BUNDLE_FILE, bundle, SOURCEMAP_FILE } from "./bundle";
import { PackagingError } from "./errors";
import { notebookModule, readNotebook, type NotebookCells } from "./notebook";
import { findProject, projectPath } from "./project";
import { contentsOfBundle } from "./steps";

export * from "./archive";
export { PackagingError } from "./errors";
export { extractPackage, type ExtractedPackage } from "./extract";
export { SKIP_TAG, type CodeCell, type NotebookCells } from "./notebook";

export interface PackageOptions {
  /** Notebooks only: package the cells up to this 1-based position (markdown cells counted). */
  upToCell?: number | null;
  /**
   * Program mode, what `tsematic submit` packages: for a notebook, cell `upToCell`'s work-doing
   * statements (its `await pipeline(...)`) become the program, the exported async function
   * {@link PROGRAM_EXPORT}, and the entry records `program: upToCell`. A script's bundle already
   * is its program: this changes nothing for scripts.
   */
  program?: boolean;
  /**
   * Notebooks only: the cells as the editor has them (unsaved edits included), read instead of the
   * file's; the file still names the notebook and finds its project.
   */
  cells?: NotebookCells;
}

/** A package made on this machine. */
export interface BuiltPackage {
  /** Content address of {@link bytes}. */
  id: string;
  /** The archive (canonical JSON), what `POST /api/v1/packages` takes. */
  bytes: Buffer;
  manifest: PackageManifest;
  /** Dependency key on this machine (its Node major and platform). */
  dependencyKey: string;
  /** Absolute folder of the project (where package-lock.json is). */
  projectRoot: string;
}

/**
 * Packages a script (`.ts`, `.js`, ...) or a notebook (`.ipynb`).
 * Throws {@link PackagingError} naming what is wrong (for notebooks: the cell and the name).
 */
export async function buildPackage(
  path: string,
  options: PackageOptions = {},
): Promise<BuiltPackage> {
  const file = resolve(path);
  try {
    if (!statSync(file).isFile()) throw new Error("not a file");
  } catch {
    throw new PackagingError(`${path} is not a file: give the script or notebook to package`);
  }
  const project = findProject(file);
  const entryPath = projectPath(project, file);
  const files: Record<string, string> = {};
  let entry: PackageEntry;
  let built;
  if (file.endsWith(".ipynb")) {
    const whole = options.cells ?? readNotebook(readFileSync(file, "utf8"), entryPath);
    const upToCell = options.upToCell ?? null;
    const module = await notebookModule(whole, {
      path: entryPath,
      upToCell,
      program: options.program ?? false,
    });
    // Cells after --cell N are not part of the package: editing them does not change its id.
    const notebook = {
      ...whole,
      code: whole.code.filter((c) => upToCell === null || c.cell <= upToCell),
    };
    module.cells = module.cells.filter((c) => upToCell === null || c.cell <= upToCell);
    built = await bundle(project, {
      contents: module.source,
      resolveDir: dirname(file),
      sourcefile: `${basename(file)}.ts`,
      sourceMap: module.sourceMap,
      locate: (line) => {
        const at = module.locate(line);
        return at && `cell ${at.cell}, line ${at.line}`;
      },
    });
    entry = { kind: "notebook", path: entryPath, upToCell, cells: module.cells };
    // Only in program mode, so packages of declarations keep the ids they had before it existed.
    if (module.program !== null) {
      entry.program = PROGRAM_FILE;
      entry.programCell = module.program;
      files[PROGRAM_FILE] = programModule(module.program);
    }
    // The code cells without outputs or execution counts: those change on every run of the notebook.
    files["notebook/cells.json"] = canonicalJson(
      notebook.code.map((c) => ({ cell: c.cell, source: c.source, tags: c.tags })),
    );
    files["notebook/module.ts"] = module.source;
  } else {
    if (options.upToCell !== undefined && options.upToCell !== null) {
      throw new PackagingError(`--cell applies to notebooks (.ipynb) only, not to ${path}`);
    }
    built = await bundle(project, { file });
    entry = { kind: "script", path: entryPath };
  }
  for (const input of built.inputs.filter((p) => p !== `${entryPath}.ts`)) {
    files[`sources/${input}`] = readFileSync(resolve(project.root, input), "utf8");
  }
  files[BUNDLE_FILE] = built.code;
  files[SOURCEMAP_FILE] = built.map;
  files["dependencies/package.json"] = project.packageJson;
  files["dependencies/package-lock.json"] = project.lockfile;

  const { steps, exports } = await contentsOfBundle(built.code);
  const duplicate = steps.find((s, i) => i > 0 && steps[i - 1]!.name === s.name);
  if (duplicate) {
    throw new PackagingError(
      `${path} cannot be packaged: two steps are named "${duplicate.name}" (in the bundle of it and its local imports): a package finds steps by name, so give each step its own name`,
    );
  }
  const lockfileSha256 = sha256(project.lockfile);
  const manifest: PackageManifest = {
    format: PACKAGE_FORMAT,
    entry,
    bundle: BUNDLE_FILE,
    sourcemap: SOURCEMAP_FILE,
    exports,
    steps,
    dependencies: {
      packageJson: "dependencies/package.json",
      lockfile: "dependencies/package-lock.json",
      lockfileSha256,
    },
    tools: { esbuild: built.esbuildVersion },
    files: Object.keys(files)
      .sort()
      .map((p) => ({ path: p, sha256: sha256(files[p]!), size: Buffer.byteLength(files[p]!) })),
  };
  const archive: PackageArchive = { format: PACKAGE_FORMAT, manifest, files };
  const bytes = encodeArchive(archive);
  return {
    id: packageId(bytes),
    bytes,
    manifest,
    dependencyKey: localDependencyKey(lockfileSha256),
    projectRoot: project.root,
  };
}

/**
 * The program file of a program-mode notebook package: loading it runs cell N's statements. An
 * error of the program is logged and sets the exit code, not left unhandled: the driver still
 * reports its root's outcome (a failed pipeline fails that root; the log has the program's error).
 */
function programModule(cell: number): string {
  return [
    `// The program of tsematic submit --cell ${cell}: cell ${cell}'s statements, run when this file is loaded.`,
    `"use strict";`,
    `require("./${BUNDLE_FILE}").${PROGRAM_EXPORT}().catch((error) => {`,
    `  console.error(error);`,
    `  process.exitCode = 1;`,
    `});`,
    ``,
  ].join("\n");
}
