/**
 * The code package archive: one canonical JSON document holding the manifest and every file as text.
 *
 * Canonical means sorted object keys, no whitespace, no timestamps and no absolute paths, so the same
 * code and the same lockfile always give the same bytes, and the package id (a content address over
 * those bytes) names the code exactly. The server checks that an uploaded archive is canonical.
 */
import { createHash } from "node:crypto";
import type { ResourceRequest } from "../events";

/** Format tag, inside the archive and in the id's hash prefix. */
export const PACKAGE_FORMAT = "tsematic.package.v1";

/** Where a package came from. Paths are relative to the project root, with `/` separators. */
export type PackageEntry =
  | { kind: "script"; path: string }
  | {
      kind: "notebook";
      path: string;
      /** `--cell N`: cells after N were left out; null packages every cell. */
      upToCell: number | null;
      /**
       * Program mode (`tsematic submit notebook.ipynb --cell N`): the package file (always
       * {@link PROGRAM_FILE}) that runs the program when a driver job loads it: cell N's
       * work-doing top-level statements (its `await pipeline(...)`), which the bundle holds as the
       * exported async function {@link PROGRAM_EXPORT}. Loading the bundle itself runs none of
       * them (a step job of the same package only registers steps). Absent: a package of
       * declarations only; a script has no `program` because its bundle is its program.
       */
      program?: string;
      /** Program mode: N, the cell whose statements are the program. */
      programCell?: number;
      /** Code cells (1-based positions counting every cell) whose declarations are in the module. */
      cells: PackagedCell[];
    };

/** What the packager did with one code cell of a notebook. */
export interface PackagedCell {
  /** 1-based position in the notebook, markdown cells counted (the cell JupyterLab shows N-th from the top). */
  cell: number;
  /** Names declared by the cell that are in the module. */
  kept: string[];
  /** Work-doing statements left out, each as `line N: <first words>`; or why the whole cell was. */
  leftOut: string[];
  /** Program mode, the program's cell only: its statements that make the program, as `line N: ...`. */
  program?: string[];
}

/**
 * The export of a notebook package in program mode that runs the program: an async function of
 * no arguments that runs the program cell's work-doing statements, in order.
 *
 * @example
 * ```ts
 * const { bundlePath, manifest } = extractPackage(bytes, dir);
 * const bundle = require(bundlePath); // registers the steps, runs no cell's work
 * await bundle[PROGRAM_EXPORT]();     // what loading PROGRAM_FILE (manifest.entry.program) does
 * ```
 */
export const PROGRAM_EXPORT = "__tsematicProgram";

/** The file of a program-mode notebook package that runs its program when loaded. */
export const PROGRAM_FILE = "program.js";

/** A step found in the bundle: its name and the source hash `func()` computes when the bundle runs. */
export interface PackagedStep {
  name: string;
  /** SHA-256 of the function's text in the bundle (what `func()` hashes as `sourceHash` there). */
  sourceHash: string;
  /**
   * The step's `resources`, when its `func()` options declare them as literals (or constants of
   * literals) the packager can read without running the code. The server validates them against
   * the executor at submission (`POST /submissions`); resources computed at run time are not listed
   * here and are validated when the step is dispatched instead.
   */
  resources?: ResourceRequest;
  /** The step's `remote` option, when declared as a literal (`remote: true` dispatches it). */
  remote?: boolean;
  /** The step's `timeoutMs`, when declared as a literal: what a promotion's plan shows. */
  timeoutMs?: number;
  /** The total tries of the step's `retry` (`retry: 3` or `{ attempts: 3 }`), when a literal. */
  attempts?: number;
}

/** A file of the package. */
export interface PackageFile {
  path: string;
  sha256: string;
  size: number;
}

/** The manifest: what a package holds, readable without the files (`GET /packages/{id}/manifest`). */
export interface PackageManifest {
  format: typeof PACKAGE_FORMAT;
  entry: PackageEntry;
  /** The CommonJS module to `require` (bundle of the entry and its local imports). */
  bundle: string;
  sourcemap: string;
  /** Names the bundle exports (for a notebook: every kept top-level value). */
  exports: string[];
  steps: PackagedStep[];
  dependencies: {
    packageJson: string;
    lockfile: string;
    /** SHA-256 of the lockfile's bytes: with a node's Node major and platform, the dependency key. */
    lockfileSha256: string;
  };
  /** Versions of the tools that made the bundle (a different esbuild may print different code). */
  tools: { esbuild: string };
  files: PackageFile[];
}

/** The archive: the manifest and the text of every file it lists. */
export interface PackageArchive {
  format: typeof PACKAGE_FORMAT;
  manifest: PackageManifest;
  files: Record<string, string>;
}

/** JSON with object keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** SHA-256 of text (UTF-8) or bytes, hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * A package's id: SHA-256 over the format tag, a NUL, then the archive's bytes (the same scheme as
 * artifact content ids, so the server keeps packages in the same kind of content-addressed store).
 */
export function packageId(archiveBytes: Uint8Array): string {
  return createHash("sha256")
    .update(PACKAGE_FORMAT)
    .update("\0")
    .update(archiveBytes)
    .digest("hex");
}

/** The archive's canonical bytes. */
export function encodeArchive(archive: PackageArchive): Buffer {
  return Buffer.from(canonicalJson(archive), "utf8");
}

/** Reads an archive back (no validation beyond the format tag: the server validates uploads). */
export function decodeArchive(bytes: Uint8Array): PackageArchive {
  const archive = JSON.parse(Buffer.from(bytes).toString("utf8")) as PackageArchive;
  if (archive?.format !== PACKAGE_FORMAT) {
    throw new Error(`not a Tsematic code package (expected format ${PACKAGE_FORMAT})`);
  }
  return archive;
}

/**
 * A stable dependency key: the same lockfile on the same Node major and platform always gives the
 * same key, so a node installs each set of dependencies once.
 *
 * @example
 * ```ts
 * dependencyKey(sha256(lockfileText), 20, "linux-x64");
 * ```
 */
export function dependencyKey(lockfileSha256: string, nodeMajor: number, platform: string): string {
  return sha256(canonicalJson({ lockfileSha256, nodeMajor, platform }));
}

/** The dependency key of this process's Node and platform. */
export function localDependencyKey(lockfileSha256: string): string {
  return dependencyKey(lockfileSha256, nodeMajor(), `${process.platform}-${process.arch}`);
}

function nodeMajor(): number {
  return Number(process.versions.node.split(".")[0]);
}
