/**
 * UTF-8 bytes of a text, for the artifact types that serialize to text. A tracked fan-out makes
 * two small artifacts per step (`"5"`, `{"lr":0.1}`), and `TextEncoder.encode` gives each its own
 * backing store (about 570 bytes of process memory for one digit): short texts are copied into
 * Node's shared buffer pool instead, and the artifact is a plain `Uint8Array` view of its bytes
 * there.
 *
 * @example
 * ```ts
 * const bytes = utf8Bytes('{"lr":0.1}'); // Uint8Array(10), in a pooled 8 KiB block
 * ```
 */

/** Texts up to this many UTF-16 code units go to the pool (it takes up to 4 KiB per buffer). */
const POOLED_CHARS = 1024;

const encoder = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  if (text.length > POOLED_CHARS) return encoder.encode(text);
  const pooled = Buffer.from(text, "utf8");
  return new Uint8Array(pooled.buffer, pooled.byteOffset, pooled.byteLength);
}
