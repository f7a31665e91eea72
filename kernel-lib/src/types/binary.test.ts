import assert from "node:assert/strict";
import { test } from "node:test";
import { binaryType } from "./binary";

test("Uint8Arrays and Buffers are binary; other typed arrays are not", () => {
  assert.ok(binaryType.matches(new Uint8Array(2)));
  assert.ok(binaryType.matches(Buffer.from("hi")));
  assert.equal(binaryType.matches(new Uint8ClampedArray(2)), false);
  assert.equal(binaryType.matches(new Float64Array(2)), false);
  assert.equal(binaryType.matches([1, 2]), false);
});

test("the bytes are the value's bytes, only the view's range", () => {
  const whole = new Uint8Array([9, 1, 2, 3, 9]);
  assert.deepEqual(binaryType.serialize(whole.subarray(1, 4)), new Uint8Array([1, 2, 3]));
});

test("a Buffer reads back as a plain Uint8Array with the same bytes", () => {
  const back = binaryType.deserialize(binaryType.serialize(Buffer.from([0xde, 0xad])));
  assert.equal(Object.getPrototypeOf(back), Uint8Array.prototype);
  assert.deepEqual(back, new Uint8Array([0xde, 0xad]));
});

test("stored bytes do not change when the original array does, nor when a reader changes its copy", () => {
  const original = new Uint8Array([1, 2, 3]);
  const stored = binaryType.serialize(original);
  original[0] = 99;
  assert.equal(stored[0], 1);
  const read = binaryType.deserialize(stored);
  read[1] = 99;
  assert.equal(stored[1], 2);
});

test("the summary has the size and the first 32 bytes in hex", () => {
  assert.deepEqual(binaryType.summarize(Buffer.from([0xca, 0xfe, 0x01]), new Uint8Array()), {
    size: 3,
    head: "cafe01",
    truncated: false,
  });
  const big = new Uint8Array(100).fill(0xab);
  assert.deepEqual(binaryType.summarize(big, new Uint8Array()), {
    size: 100,
    head: "ab".repeat(32),
    truncated: true,
  });
});
