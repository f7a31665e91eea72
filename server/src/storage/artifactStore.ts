/**
 * Artifact bytes on disk, one file per content address: `<dir>/<first 2 hex>/<remaining 62 hex>`.
 *
 * Uploads stream into a temporary file while being hashed; only bytes whose SHA-256 over
 * `typeName + "\0" + bytes` equals the claimed id are fsynced and renamed into place, so a file that
 * exists under an id is always complete and correct.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { ApiError } from "../http/errors";
import { SHA256_HEX } from "../http/ids";

export interface StoreResult {
  /** False when the bytes were already stored (the upload was verified, then discarded). */
  created: boolean;
  size: number;
}

export class ArtifactStore {
  private readonly tmpDir: string;

  constructor(readonly dir: string) {
    this.tmpDir = join(dir, "tmp");
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    // Leftovers of uploads interrupted by a crash: never renamed, so never visible.
    for (const name of readdirSync(this.tmpDir)) rmSync(join(this.tmpDir, name), { force: true });
  }

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
    const file = await open(tmp, "wx", 0o600);
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

  /** Streams `body` to disk, verifying that it hashes to `id` with `typeName`. */
  async write(
    id: string,
    typeName: string,
    body: Readable,
    maxBytes: number,
  ): Promise<StoreResult> {
    const final = this.pathOf(id);
    const tmp = join(this.tmpDir, `${id}.${randomBytes(8).toString("hex")}`);
    const hash = createHash("sha256").update(typeName).update("\0");
    const file = await open(tmp, "wx", 0o600);
    let size = 0;
    let tooLarge = false;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          tooLarge = true;
          // Keep reading (and discarding) so the client gets the 413 rather than a reset, within reason.
          if (size > 2 * maxBytes + 1024 * 1024) break;
          continue;
        }
        hash.update(chunk);
        await file.write(chunk);
      }
      if (tooLarge) {
        throw ApiError.tooLarge(
          `artifact ${id} is larger than the server's limit of ${maxBytes} bytes: raise --max-artifact-bytes`,
        );
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
