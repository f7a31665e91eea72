/**
 * Prebuilt dependency archives: a tar.gz of a project's `node_modules`, stored under its dependency
 * key (SHA-256 of the lockfile's hash, Node major and platform: kernel-lib's `dependencyKey`) for
 * workers on nodes that cannot reach a registry. The bytes are kept by content address (the
 * artifact store's atomic writes, like packages) under `<dir>/archives`; `<dir>/keys/<key>` names
 * the archive of a key and is replaced atomically, so a reader sees the old archive or the new one.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { ApiError } from "../http/errors";
import { ArtifactStore } from "./artifact-store";

/** Format tag hashed before the bytes: a dependency archive's id never equals another kind's. */
export const DEPENDENCIES_FORMAT = "tsematic.dependencies.v1";

export interface DependenciesPut {
  key: string;
  archiveId: string;
  size: number;
  /** False when the key already named these very bytes. */
  created: boolean;
}

export class DependencyStore {
  private readonly archives: ArtifactStore;
  private readonly keys: string;

  constructor(dir: string) {
    this.archives = new ArtifactStore(join(dir, "archives"));
    this.keys = join(dir, "keys");
    mkdirSync(this.keys, { recursive: true, mode: 0o700 });
  }

  /** Stores a tar.gz under `key` (a 64-hex dependency key, checked by the caller). */
  async put(key: string, bytes: Buffer): Promise<DependenciesPut> {
    if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
      throw ApiError.badRequest(
        "invalid_dependencies",
        "the body is not gzip data: upload a tar.gz of node_modules, e.g. `tar -czf deps.tgz node_modules`",
      );
    }
    const archiveId = createHash("sha256")
      .update(DEPENDENCIES_FORMAT)
      .update("\0")
      .update(bytes)
      .digest("hex");
    await this.archives.writeVerified(archiveId, bytes);
    const created = this.archiveOf(key) !== archiveId;
    if (created) {
      const tmp = join(this.keys, `.${key}.${randomBytes(8).toString("hex")}`);
      writeFileSync(tmp, archiveId);
      renameSync(tmp, join(this.keys, key));
    }
    return { key, archiveId, size: bytes.length, created };
  }

  /** The archive stored under `key` (its bytes and size), or undefined. */
  get(key: string): { archiveId: string; size: number; read: () => Readable } | undefined {
    const archiveId = this.archiveOf(key);
    if (archiveId === undefined) return undefined;
    const size = this.archives.sizeOf(archiveId);
    if (size === undefined) return undefined;
    return { archiveId, size, read: () => this.archives.read(archiveId) };
  }

  private archiveOf(key: string): string | undefined {
    try {
      return readFileSync(join(this.keys, key), "utf8").trim();
    } catch {
      return undefined;
    }
  }
}
