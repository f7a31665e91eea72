/** Hashes used for content addresses and cache keys (SHA-256: hardware-accelerated on these machines). */
import { createHash } from "node:crypto";

/** Content address of an artifact: SHA-256 over the type name, a NUL, then the bytes. Hex. */
export function contentId(typeName: string, bytes: Uint8Array): string {
  return createHash("sha256").update(typeName).update("\0").update(bytes).digest("hex");
}

/** SHA-256 of a string, hex. */
export function hashText(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
