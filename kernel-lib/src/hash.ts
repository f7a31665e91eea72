/** Hashes used for content addresses and cache keys (SHA-256: hardware-accelerated on these machines). */
import * as crypto from "node:crypto";

/**
 * `crypto.hash` (Node 20.12+): one call instead of a Hash object, about half the time for the small
 * inputs a run hashes per step (its ids, its cache key, its small artifacts). Older Nodes lack it.
 */
const oneShot: ((algorithm: string, data: crypto.BinaryLike) => string) | undefined = (
  crypto as { hash?: (algorithm: string, data: crypto.BinaryLike) => string }
).hash;

/** Up to this many bytes an artifact is copied behind its type name and hashed in one call. */
const ONE_SHOT_BYTES = 64 * 1024;

/** Content address of an artifact: SHA-256 over the type name, a NUL, then the bytes. Hex. */
export function contentId(typeName: string, bytes: Uint8Array): string {
  if (oneShot && bytes.byteLength <= ONE_SHOT_BYTES) {
    const nameBytes = Buffer.byteLength(typeName);
    const all = Buffer.allocUnsafe(nameBytes + 1 + bytes.byteLength);
    all.write(typeName, 0, "utf8");
    all[nameBytes] = 0;
    all.set(bytes, nameBytes + 1);
    return oneShot("sha256", all);
  }
  return crypto.createHash("sha256").update(typeName).update("\0").update(bytes).digest("hex");
}

/** SHA-256 of a string, hex. */
export function hashText(text: string): string {
  return oneShot ? oneShot("sha256", text) : crypto.createHash("sha256").update(text).digest("hex");
}
