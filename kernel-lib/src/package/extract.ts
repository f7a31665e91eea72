/**
 * A package's files written out where a worker can `require` its bundle. Every file is checked
 * against the manifest (path, size, SHA-256) before anything is written, so a damaged archive is
 * refused as a whole.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { decodeArchive, type PackageManifest, sha256 } from "./archive";
import { PackagingError } from "./errors";

export interface ExtractedPackage {
  manifest: PackageManifest;
  /** Absolute path of the bundle, for `require`. */
  bundlePath: string;
}

/**
 * Writes the files of a package archive under `dir` (created if needed).
 *
 * @example
 * ```ts
 * const { bundlePath, manifest } = extractPackage(bytes, "/var/cache/tsematic/packages/<id>");
 * const steps = require(bundlePath); // its exports: the notebook's steps and declarations
 * ```
 */
export function extractPackage(bytes: Uint8Array, dir: string): ExtractedPackage {
  const archive = decodeArchive(bytes);
  const root = resolve(dir);
  const writes: [string, string][] = [];
  for (const f of archive.manifest.files) {
    const text = archive.files[f.path];
    const target = resolve(root, f.path);
    if (!target.startsWith(root + sep) || f.path.includes("\\")) {
      throw new PackagingError(
        `package file ${JSON.stringify(f.path)} would be written outside ${root}`,
      );
    }
    if (text === undefined || sha256(text) !== f.sha256 || Buffer.byteLength(text) !== f.size) {
      throw new PackagingError(
        `package file ${f.path} does not match its manifest entry: the archive is damaged`,
      );
    }
    writes.push([target, text]);
  }
  for (const [target, text] of writes) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
  return { manifest: archive.manifest, bundlePath: join(root, archive.manifest.bundle) };
}
