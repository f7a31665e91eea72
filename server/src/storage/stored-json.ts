/**
 * Reading JSON columns so that no stored value can fail a read. Rows written before the API capped
 * nesting (or edited by hand) may hold text that does not parse, or nests so deep that answering
 * with it overflows the stack: such a value reads as a placeholder, and the rest of the row as is.
 *
 * @example
 * ```ts
 * readStoredJson('{"cpus":2}', () => ({})); // { cpus: 2 }
 * readStoredJson("{not json", () => ({})); // {}
 * ```
 */

/** Deepest nesting read back as it is (writes are capped at 64 levels from the request body). */
export const MAX_STORED_DEPTH = 200;

/** What a placeholder says, for the values that can carry a message. */
export const UNREADABLE =
  "the stored value could not be read (it is not JSON or nests too deep); the rest of the record is intact";

/** The parsed value of a JSON column, or `placeholder()` when it cannot be read safely. */
export function readStoredJson<T>(text: string, placeholder: () => T): T {
  if (exceedsDepth(text, MAX_STORED_DEPTH)) return placeholder();
  try {
    return JSON.parse(text) as T;
  } catch {
    return placeholder();
  }
}

/** Whether brackets outside strings nest deeper than `max`; stops at the first level too deep. */
function exceedsDepth(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}
