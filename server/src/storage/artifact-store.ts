/**
 * Artifact bytes on disk, one file per content address: `<dir>/<first 2 hex>/<remaining 62 hex>`.
 *
 * Uploads stream into a temporary file while being hashed; only bytes whose SHA-256 over
 * `typeName + "\0" + bytes` equals the claimed id are fsynced and renamed into place, so a file that
 * exists under an id is always complete and correct.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { type FileHandle, open, rename, rm, statfs } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { ApiError } from "../http/errors";
import { SHA256_HEX } from "../http/ids";

export interface StoreResult {
  /** False when the bytes were already stored (the upload was verified, then discarded). */
  created: boolean;
  size: number;
}

/** Streamed uploads written at once; more wait (their bodies unread, so TCP holds them back). */
export const MAX_CONCURRENT_WRITES = 4;
/** Free space an upload must leave behind (for sqlite, its WAL and logs). */
export const FREE_SPACE_RESERVE = 16 * 1024 * 1024;
const RAISE_LIMIT =
  "start the server with --max-artifact-bytes <bytes> to raise it (maxArtifactBytes in startServer)";
const FREE_SPACE_ADVICE =
  "Free space on that disk (or start the server with --data-dir on a larger one), then retry.";

export class ArtifactStore {
  private readonly tmpDir: string;
  private writers = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly dir: string) {
    this.tmpDir = join(dir, "tmp");
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    // Leftovers of uploads interrupted by a crash: never renamed, so never visible.
    for (const name of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, name), { force: true });
  }

  /**
   * Creates a temporary file for an upload. A seam for tests (e.g. one that opens /dev/full to get a
   * real ENOSPC); the server never replaces it.
   */
  openTemporary = (path: string): Promise<FileHandle> => open(path, "wx", 0o600);

  /** Bytes free for unprivileged writers on the store's file system (a seam for tests, too). */
  freeBytes = async (): Promise<number> => {
    const s = await statfs(this.tmpDir);
    return s.bavail * s.bsize;
  };

  /** The file of an artifact. The id is checked here too: no path is ever built from unchecked input. */
  pathOf(id: string): string {
    if (!SHA256_HEX.test(id)) throw new Error(`not an artifact id: ${JSON.stringify(id)}`);
    return join(this.dir, id.slice(0, 2), id.slice(2));
  }

  has(id: string): boolean {
    return existsSync(this.pathOf(id));
  }

  /** Size in bytes of stored bytes, or undefined. */
  sizeOf(id: string): number | undefined {
    try {
      return statSync(this.pathOf(id)).size;
    } catch {
      return undefined;
    }
  }

  read(id: string): Readable {
    return createReadStream(this.pathOf(id));
  }

  /** Writes bytes already verified to hash to `id` (temp file, fsync, rename). */
  async writeVerified(id: string, bytes: Uint8Array): Promise<boolean> {
    const final = this.pathOf(id);
    if (existsSync(final)) return false;
    const tmp = join(this.tmpDir, `${id}.${randomBytes(8).toString("hex")}`);
    const file = await this.openTemporary(tmp);
    try {
      await file.write(bytes);
      await file.sync();
    } catch (err) {
      await file.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await file.close();
    await this.publish(tmp, id);
    return true;
  }

  /**
   * Streams `body` to disk, verifying that it hashes to `id` with `typeName`. At most
   * {@link MAX_CONCURRENT_WRITES} uploads are written at once (the others wait, unread); an upload
   * larger than the free space (when its length is declared) is refused before it is read, and one
   * that passes `maxBytes` as soon as it does, without reading the rest.
   */
  async write(
    id: string,
    typeName: string,
    body: Readable,
    maxBytes: number,
    declaredBytes?: number,
  ): Promise<StoreResult> {
    await this.acquireWriter();
    try {
      await this.checkFreeSpace(id, declaredBytes ?? 0);
      return await this.writeNow(id, typeName, body, maxBytes);
    } finally {
      this.releaseWriter();
    }
  }

  private async writeNow(
    id: string,
    typeName: string,
    body: Readable,
    maxBytes: number,
  ): Promise<StoreResult> {
    const final = this.pathOf(id);
    const tmp = join(this.tmpDir, `${id}.${randomBytes(8).toString("hex")}`);
    const hash = createHash("sha256").update(typeName).update("\0");
    const file = await this.openTemporary(tmp);
    let size = 0;
    try {
      // Not destroyed when we stop early: the 413 must still reach the client on this connection.
      for await (const chunk of body.iterator({
        destroyOnReturn: false,
      }) as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          throw ApiError.tooLarge(
            `artifact ${id} is larger than the server's limit of ${maxBytes} bytes: ${RAISE_LIMIT}`,
          );
        }
        hash.update(chunk);
        await file.write(chunk);
      }
      const actual = hash.digest("hex");
      if (actual !== id) {
        throw ApiError.badRequest(
          "content_mismatch",
          `the uploaded bytes with type ${JSON.stringify(typeName)} hash to ${actual}, not ${id}: ` +
            'the id must be sha256(typeName + "\\0" + bytes) in hex; check typeName and the bytes',
        );
      }
      await file.sync();
    } catch (err) {
      await file.close();
      await rm(tmp, { force: true });
      throw err;
    }
    await file.close();
    if (existsSync(final)) {
      await rm(tmp, { force: true });
      return { created: false, size };
    }
    await this.publish(tmp, id);
    return { created: true, size };
  }

  /** Refuses (507) an upload that cannot fit, keeping a reserve for the database and logs. */
  private async checkFreeSpace(id: string, bytes: number): Promise<void> {
    const free = await this.freeBytes();
    if (free < bytes + FREE_SPACE_RESERVE) {
      throw ApiError.insufficientStorage(
        `artifact ${id} (${bytes} bytes) does not fit: ${free} bytes are free where the server keeps ` +
          `artifacts (${this.dir}), and ${FREE_SPACE_RESERVE} are kept in reserve. ${FREE_SPACE_ADVICE}`,
      );
    }
  }

  private acquireWriter(): Promise<void> {
    if (this.writers < MAX_CONCURRENT_WRITES) {
      this.writers++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private releaseWriter(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.writers--;
  }

  /** Moves a complete, fsynced temporary file to its content address, durably. */
  private async publish(tmp: string, id: string): Promise<void> {
    const shard = join(this.dir, id.slice(0, 2));
    mkdirSync(shard, { recursive: true, mode: 0o700 });
    await rename(tmp, this.pathOf(id));
    await syncDirectory(shard);
  }
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
