/**
 * Where artifact bytes live: large ones (and every streamed upload) as files under
 * `<dataDir>/artifacts` ({@link ArtifactStore}); small ones uploaded in batches in the
 * `artifact_blobs` table, so that a fan-out's thousands of tiny artifacts cost one transaction rather
 * than a file, an fsync and a rename each. Readers do not see the difference.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { ApiError } from "../http/errors";
import type { ArtifactStore, StoreResult } from "./artifact-store";
import type { Db } from "./db";

/** Batch-uploaded artifacts up to this size go to the database; larger ones to files. */
export const SMALL_ARTIFACT_BYTES = 256 * 1024;

export interface UploadedArtifact {
  id: string;
  typeName: string;
  bytes: Buffer;
}

export class ArtifactBytes {
  private readonly blobSize;
  private readonly blobBytes;
  private readonly insertBlob;
  private readonly insertBlobs;
  private readonly blobSizes;
  private readonly blobsBytes;

  constructor(
    readonly files: ArtifactStore,
    db: Db,
  ) {
    this.blobSize = db.prepare<[string], { size: number }>(
      "SELECT length(bytes) AS size FROM artifact_blobs WHERE id = ?",
    );
    this.blobBytes = db.prepare<[string], { bytes: Buffer }>(
      "SELECT bytes FROM artifact_blobs WHERE id = ?",
    );
    this.blobSizes = db.prepare<[string], { id: string; size: number }>(
      "SELECT id, length(bytes) AS size FROM artifact_blobs WHERE id IN (SELECT value FROM json_each(?))",
    );
    this.blobsBytes = db.prepare<[string], { id: string; bytes: Buffer }>(
      "SELECT id, bytes FROM artifact_blobs WHERE id IN (SELECT value FROM json_each(?))",
    );
    this.insertBlob = db.prepare("INSERT OR IGNORE INTO artifact_blobs (id, bytes) VALUES (?, ?)");
    this.insertBlobs = db.transaction((items: UploadedArtifact[]) =>
      items.reduce((created, a) => created + this.insertBlob.run(a.id, a.bytes).changes, 0),
    );
  }

  has(id: string): boolean {
    return this.sizeOf(id) !== undefined;
  }

  sizeOf(id: string): number | undefined {
    return this.blobSize.get(id)?.size ?? this.files.sizeOf(id);
  }

  /**
   * The sizes of those of `ids` that are stored (absent: not stored), in one query for the small
   * ones kept in the database (a cache lookup of a wide fan-out asks for thousands).
   *
   * @example
   * ```ts
   * artifacts.sizesOf([a, b]).has(a); // stored?
   * ```
   */
  sizesOf(ids: readonly string[]): Map<string, number> {
    const sizes = new Map<string, number>();
    for (const row of this.blobSizes.all(JSON.stringify(ids))) sizes.set(row.id, row.size);
    for (const id of ids) {
      if (sizes.has(id)) continue;
      const size = this.files.sizeOf(id);
      if (size !== undefined) sizes.set(id, size);
    }
    return sizes;
  }

  /** The bytes of those of `ids` kept in the database, in one query (files are read with bytes()). */
  blobsOf(ids: readonly string[]): Map<string, Buffer> {
    return new Map(this.blobsBytes.all(JSON.stringify(ids)).map((row) => [row.id, row.bytes]));
  }

  read(id: string): Readable {
    const blob = this.blobBytes.get(id);
    return blob ? Readable.from([blob.bytes]) : this.files.read(id);
  }

  /** The bytes of a stored artifact, read whole (callers check the size first). */
  async bytes(id: string): Promise<Buffer> {
    const blob = this.blobBytes.get(id);
    if (blob) return blob.bytes;
    const chunks: Buffer[] = [];
    for await (const chunk of this.files.read(id) as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  /** A streamed upload: always a file. */
  writeStream(
    id: string,
    typeName: string,
    body: Readable,
    maxBytes: number,
    declaredBytes?: number,
  ): Promise<StoreResult> {
    return this.files.write(id, typeName, body, maxBytes, declaredBytes);
  }

  /**
   * Stores a batch after checking every content address: one bad artifact refuses the whole batch
   * before anything is written. Returns how many were new.
   */
  async writeBatch(items: UploadedArtifact[]): Promise<number> {
    items.forEach((a, index) => {
      const actual = createHash("sha256")
        .update(a.typeName)
        .update("\0")
        .update(a.bytes)
        .digest("hex");
      if (actual !== a.id) {
        throw ApiError.badRequest(
          "content_mismatch",
          `artifacts[${index}] (${a.id}): its bytes with type ${JSON.stringify(a.typeName)} hash to ${actual}; ` +
            'the id must be sha256(typeName + "\\0" + bytes) in hex. Nothing in this batch was stored',
        );
      }
    });
    const small = items.filter((a) => a.bytes.length <= SMALL_ARTIFACT_BYTES);
    let created = this.insertBlobs(small);
    for (const a of items) {
      if (a.bytes.length > SMALL_ARTIFACT_BYTES && !this.has(a.id)) {
        if (await this.files.writeVerified(a.id, a.bytes)) created++;
      }
    }
    return created;
  }
}
