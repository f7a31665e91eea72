import assert from "node:assert/strict";
import { test } from "node:test";
import { utf8Bytes } from "./utf8";

test("utf8Bytes gives a plain Uint8Array of exactly the text's UTF-8, short or long", () => {
  for (const text of ["", "5", '{"lr":0.1}', "ünïcode ✓", "x".repeat(5000)]) {
    const bytes = utf8Bytes(text);
    assert.equal(Object.getPrototypeOf(bytes), Uint8Array.prototype);
    assert.deepEqual(bytes, new TextEncoder().encode(text));
    assert.equal(new TextDecoder().decode(bytes), text);
  }
});
