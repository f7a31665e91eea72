/**
 * Code packages (design.md, "Cloud runs (promotion)"): archives made by `tsematic package`, kept by
 * content address under `<dataDir>/packages` with the artifact store's atomic writes (temp file,
 * fsync, rename), so a package file that exists is complete and never changes.
 *
 * An archive is one canonical JSON document `{ format, manifest, files }` (sorted keys, no
 * whitespace); its id is SHA-256 over `"tsematic.package.v1" + "\0" + bytes`. The server checks
 * every upload before storing it: canonical form, a manifest whose files match the archive's
 * (paths, sizes, hashes), and safe relative paths, so a worker can extract a package without
 * checking it again.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import { ApiError } from "../http/errors";
import { ArtifactStore } from "./artifact-store";

/** Format tag of package archives (kernel-lib's `PACKAGE_FORMAT`). */
export const PACKAGE_FORMAT = "tsematic.package.v1";

/** What `GET /packages/{id}/manifest` answers: the archive's manifest as uploaded. */
export type PackageManifest = Record<string, unknown> & {
  format: string;
  files: { path: string; sha256: string; size: number }[];
};

export interface PackagePut {
  id: string;
  size: number;
  created: boolean;
}

const SHA = /^[0-9a-f]{64}$/;
/** A relative path of `/`-separated names, none empty, `.` or `..`, no backslash or control character. */
function safePath(path: string): boolean {
  if (path.length === 0 || path.length > 1024 || path.includes("\\")) return false;
  if ([...path].some((ch) => ch.charCodeAt(0) < 0x20)) return false;
  return path.split("/").every((name) => name !== "" && name !== "." && name !== "..");
}
const MANIFESTS_CACHED = 64;

export class PackageStore {
  private readonly files: ArtifactStore;
  private readonly manifests = new Map<string, PackageManifest>();

  constructor(dir: string) {
    this.files = new ArtifactStore(dir);
  }

  /** Size in bytes of a stored package, or undefined. */
  sizeOf(id: string): number | undefined {
    return this.files.sizeOf(id);
  }

  read(id: string): Readable {
    return this.files.read(id);
  }

  /** Checks and stores an archive; storing the same bytes again changes nothing (`created: false`). */
  async put(bytes: Buffer): Promise<PackagePut> {
    const manifest = checkArchive(bytes);
    const id = packageId(bytes);
    const created = await this.files.writeVerified(id, bytes);
    this.remember(id, manifest);
    return { id, size: bytes.length, created };
  }

  /** The manifest of a stored package, or undefined. */
  async manifest(id: string): Promise<PackageManifest | undefined> {
    const known = this.manifests.get(id);
    if (known) return known;
    if (this.files.sizeOf(id) === undefined) return undefined;
    const archive = JSON.parse(await readFile(this.files.pathOf(id), "utf8")) as {
      manifest: PackageManifest;
    };
    this.remember(id, archive.manifest);
    return archive.manifest;
  }

  private remember(id: string, manifest: PackageManifest): void {
    this.manifests.delete(id);
    this.manifests.set(id, manifest);
    if (this.manifests.size > MANIFESTS_CACHED) {
      this.manifests.delete(this.manifests.keys().next().value!);
    }
  }
}

/** The id of an archive's bytes. */
export function packageId(bytes: Uint8Array): string {
  return createHash("sha256").update(PACKAGE_FORMAT).update("\0").update(bytes).digest("hex");
}

/** Checks an uploaded archive (see the module comment); returns its manifest or throws a 400. */
export function checkArchive(bytes: Buffer): PackageManifest {
  const text = bytes.toString("utf8");
  let archive: unknown;
  try {
    archive = JSON.parse(text);
  } catch {
    throw invalid("the body is not JSON: upload the archive `tsematic package` wrote, unchanged");
  }
  if (canonicalJson(archive) !== text) {
    throw invalid(
      "the archive is not in canonical form (object keys sorted, no whitespace): the same code must " +
        "always give the same bytes, so upload the archive `tsematic package` wrote, unchanged",
    );
  }
  const a = archive as { format?: unknown; manifest?: unknown; files?: unknown };
  if (a.format !== PACKAGE_FORMAT) {
    throw invalid(
      `format is ${describe(a.format)}, not "${PACKAGE_FORMAT}": is this a Tsematic package?`,
    );
  }
  const files = a.files;
  if (!isObject(files) || !Object.values(files).every((v) => typeof v === "string")) {
    throw invalid("files must be an object of file paths to their text");
  }
  const m = a.manifest;
  if (!isObject(m) || m.format !== PACKAGE_FORMAT) {
    throw invalid("manifest.format is missing or wrong");
  }
  const entry = m.entry;
  if (
    !isObject(entry) ||
    (entry.kind !== "script" && entry.kind !== "notebook") ||
    typeof entry.path !== "string"
  ) {
    throw invalid('manifest.entry must be { kind: "script" | "notebook", path }');
  }
  if (!Array.isArray(m.files)) throw invalid("manifest.files must list the archive's files");
  const listed = new Set<string>();
  for (const f of m.files as unknown[]) {
    if (!isObject(f) || typeof f.path !== "string" || !safePath(f.path)) {
      throw invalid(
        `manifest.files has an entry without a safe relative path: ${describe(isObject(f) ? f.path : f)}`,
      );
    }
    const text = (files as Record<string, string>)[f.path];
    if (text === undefined) {
      throw invalid(`manifest.files lists ${f.path}, which the archive does not hold`);
    }
    if (f.sha256 !== sha256(text) || f.size !== Buffer.byteLength(text)) {
      throw invalid(`manifest.files: the size or sha256 of ${f.path} does not match its text`);
    }
    listed.add(f.path);
  }
  for (const path of Object.keys(files)) {
    if (!listed.has(path)) {
      throw invalid(`the archive holds ${describe(path)}, which manifest.files does not list`);
    }
  }
  for (const key of ["bundle", "sourcemap"] as const) {
    if (typeof m[key] !== "string" || !listed.has(m[key] as string)) {
      throw invalid(`manifest.${key} must name a file of the archive`);
    }
  }
  if (
    !Array.isArray(m.steps) ||
    !m.steps.every(
      (s: unknown) =>
        isObject(s) &&
        typeof s.name === "string" &&
        typeof s.sourceHash === "string" &&
        SHA.test(s.sourceHash),
    )
  ) {
    throw invalid("manifest.steps must be a list of { name, sourceHash }");
  }
  const deps = m.dependencies;
  if (
    !isObject(deps) ||
    typeof deps.lockfile !== "string" ||
    !listed.has(deps.lockfile) ||
    typeof deps.packageJson !== "string" ||
    !listed.has(deps.packageJson) ||
    deps.lockfileSha256 !== sha256((files as Record<string, string>)[deps.lockfile]!)
  ) {
    throw invalid(
      "manifest.dependencies must name the archive's package.json and lockfile, with the lockfile's sha256",
    );
  }
  return m as PackageManifest;
}

function invalid(message: string): ApiError {
  return ApiError.badRequest("invalid_package", `this is not a valid code package: ${message}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** JSON with sorted object keys and no whitespace (kernel-lib's `canonicalJson`). */
function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (isObject(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) out[k] = sort(v[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(value));
}
