import assert from "node:assert/strict";
import { test } from "node:test";
import { cacheKey } from "./cache-key";

const base = {
  stepName: "train",
  codeVersion: "c1",
  inputs: { data: "a1", lr: "b2" },
  namespace: "default",
};

test("the cache key is a pure function of its parts", () => {
  assert.equal(cacheKey(base), cacheKey({ ...base, inputs: { lr: "b2", data: "a1" } }));
  assert.match(cacheKey(base), /^[0-9a-f]{64}$/);
});

test("changing any part changes the key", () => {
  const key = cacheKey(base);
  assert.notEqual(key, cacheKey({ ...base, stepName: "train2" }));
  assert.notEqual(key, cacheKey({ ...base, codeVersion: "c2" }));
  assert.notEqual(key, cacheKey({ ...base, inputs: { data: "a1", lr: "b3" } }));
  assert.notEqual(key, cacheKey({ ...base, inputs: { data: "a1", rate: "b2" } }));
  assert.notEqual(key, cacheKey({ ...base, namespace: "other" }));
});

test("field boundaries are unambiguous", () => {
  assert.notEqual(
    cacheKey({ ...base, stepName: "ab", codeVersion: "c" }),
    cacheKey({ ...base, stepName: "a", codeVersion: "bc" }),
  );
});
