/**
 * Raw bytes as artifacts: `Uint8Array` and Node `Buffer` values (other typed arrays are data with
 * an element type and go to the JSON type, which keeps that type).
 *
 * The artifact owns its bytes: they are copied from the value when stored and copied again when
 * read, so a step that later changes its array, or a consumer that changes its input, cannot
 * alter a stored artifact or another consumer's input.
 */
import type { ArtifactSummary, ArtifactType } from "./artifact";

/** Bytes shown in the summary. */
const HEAD_BYTES = 32;

/** Whether `value` is a `Uint8Array` (a `Buffer` is one), from this realm or another. */
function isUint8Array(value: unknown): value is Uint8Array {
  // The tag comes from the typed array's internal slot: other typed arrays and look-alikes differ.
  return (
    typeof value === "object" &&
    value !== null &&
    Object.prototype.toString.call(value) === "[object Uint8Array]"
  );
}

/**
 * The summary of bytes: `size` and the first 32 bytes as `head` (hex).
 *
 * @example
 * ```ts
 * summarizeBinary(new Uint8Array([0xca, 0xfe])); // { size: 2, head: "cafe", truncated: false }
 * ```
 */
export function summarizeBinary(value: Uint8Array): ArtifactSummary {
  const head = Buffer.from(value.buffer, value.byteOffset, Math.min(value.byteLength, HEAD_BYTES));
  return {
    size: value.byteLength,
    head: head.toString("hex"),
    truncated: value.byteLength > HEAD_BYTES,
  };
}

/** The built-in type of `Uint8Array` and `Buffer` values; reading gives a `Uint8Array`. */
export const binaryType: ArtifactType<Uint8Array> = {
  name: "binary",
  mediaType: "application/octet-stream",
  matches: isUint8Array,
  serialize: (value) => new Uint8Array(value),
  deserialize: (bytes) => new Uint8Array(bytes),
  summarize: (value) => summarizeBinary(value),
};
