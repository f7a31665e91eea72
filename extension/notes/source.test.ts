import assert from "node:assert/strict";
import { test } from "node:test";

import { resolveSettings } from "../settings";
import { authorOf, MAX_AUTHOR_LENGTH, textEdit } from "./source";

test("a notes edit is the one changed span between the old and the new text", () => {
  assert.equal(textEdit("same", "same"), null);
  assert.deepEqual(textEdit("hello world", "hello brave world"), {
    at: 6,
    removed: 0,
    inserted: "brave ",
  });
  assert.deepEqual(textEdit("hello brave world", "hello world"), {
    at: 6,
    removed: 6,
    inserted: "",
  });
  assert.deepEqual(textEdit("abc", "aXc"), { at: 1, removed: 1, inserted: "X" });
  // Repeated letters: the head is taken first, the edit stays inside the text.
  assert.deepEqual(textEdit("aaa", "aaaa"), { at: 3, removed: 0, inserted: "a" });
});

test("the author name comes from the settings, trimmed and bounded; empty is anonymous", () => {
  const page = (): string => "";
  assert.equal(authorOf(resolveSettings({ authorName: "  Ada  " }, page)), "Ada");
  assert.equal(authorOf(resolveSettings({}, page)), "anonymous");
  assert.equal(authorOf({ authorName: "x".repeat(500) }).length, MAX_AUTHOR_LENGTH);
});
