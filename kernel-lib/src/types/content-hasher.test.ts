import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { contentId } from "../hash";
import {
  PARALLEL_HASH_MIN_BYTES,
  parallelContentHasher,
  parallelHashReady,
  rememberContentId,
  takeContentId,
} from "./content-hasher";

const SIZE = PARALLEL_HASH_MIN_BYTES + 12_345;

function hashInChunks(bytes: Uint8Array, chunkSizes: number[]): string | undefined {
  const hasher = parallelContentHasher("t", bytes.byteLength);
  assert.ok(hasher, "expected a parallel hasher");
  let offset = 0;
  for (let i = 0; offset < bytes.byteLength; i++) {
    const size = chunkSizes[i % chunkSizes.length]!;
    hasher.update(bytes.subarray(offset, offset + size));
    offset += size;
  }
  hasher.end();
  return hasher.digest();
}

test("hashing on the worker gives the content id, whatever the chunk sizes", async () => {
  assert.ok(await parallelHashReady());
  const bytes = new Uint8Array(randomBytes(SIZE));
  const expected = contentId("t", bytes);
  assert.equal(hashInChunks(bytes, [SIZE]), expected);
  assert.equal(hashInChunks(bytes, [1, 7, 1 << 20, 3 << 20, 5 << 20]), expected);
  assert.equal(hashInChunks(bytes, [4 << 20]), expected);
});

test("a chunk may be changed by the caller once update returns", async () => {
  assert.ok(await parallelHashReady());
  const bytes = new Uint8Array(randomBytes(SIZE));
  const hasher = parallelContentHasher("t", SIZE)!;
  const scratch = new Uint8Array(1 << 20);
  for (let offset = 0; offset < SIZE; offset += scratch.byteLength) {
    const chunk = bytes.subarray(offset, offset + scratch.byteLength);
    scratch.set(chunk);
    hasher.update(scratch.subarray(0, chunk.byteLength));
    scratch.fill(0);
  }
  hasher.end();
  assert.equal(hasher.digest(), contentId("t", bytes));
});

test("small artifacts are hashed by the caller: no parallel hasher", async () => {
  assert.ok(await parallelHashReady());
  assert.equal(parallelContentHasher("t", PARALLEL_HASH_MIN_BYTES - 1), undefined);
});

test("a job whose id nobody read does not keep the worker from the next one", async () => {
  assert.ok(await parallelHashReady());
  const bytes = new Uint8Array(randomBytes(SIZE));
  const abandoned = parallelContentHasher("t", SIZE)!;
  abandoned.update(bytes);
  abandoned.end();
  const next = parallelContentHasher("u", SIZE);
  assert.ok(next, "the worker should take the next job once the abandoned one finished");
  next.update(bytes);
  next.end();
  assert.equal(next.digest(), contentId("u", bytes));
  assert.equal(abandoned.digest(), contentId("t", bytes));
});

test("a remembered id is handed over once, and only for the type it was computed under", async () => {
  assert.ok(await parallelHashReady());
  const bytes = new Uint8Array(randomBytes(SIZE));
  const hasher = parallelContentHasher("t", SIZE)!;
  hasher.update(bytes);
  hasher.end();
  rememberContentId(bytes, "t", hasher);
  assert.equal(takeContentId("other", bytes), undefined);
  rememberContentId(bytes, "t", hasher);
  assert.equal(takeContentId("t", bytes), contentId("t", bytes));
  assert.equal(takeContentId("t", bytes), undefined);
});
