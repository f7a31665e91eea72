import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { contentId, hashText } from "./hash";

function reference(typeName: string, bytes: Uint8Array): string {
  return createHash("sha256").update(typeName).update("\0").update(bytes).digest("hex");
}

test("a content id is SHA-256 of the type name, a NUL and the bytes, small or large", () => {
  for (const typeName of ["json", "täble/ünïcode ✓", ""]) {
    for (const size of [0, 1, 1000, 64 * 1024, 64 * 1024 + 1, 300_000]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31) % 251);
      assert.equal(contentId(typeName, bytes), reference(typeName, bytes), `${typeName} ${size}`);
    }
  }
  // A view into a larger buffer hashes only its own bytes.
  const whole = new Uint8Array(100).map((_, i) => i);
  assert.equal(contentId("json", whole.subarray(10, 20)), reference("json", whole.slice(10, 20)));
});

test("hashText is SHA-256 of the text's UTF-8, hex", () => {
  for (const text of ["", "abc", "ünïcode ✓"]) {
    assert.equal(hashText(text), createHash("sha256").update(text).digest("hex"));
  }
});
