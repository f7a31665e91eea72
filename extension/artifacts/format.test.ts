import assert from "node:assert/strict";
import { test } from "node:test";

import { formatCell, hexDump } from "./format";

test("cells show numbers, bigints, dates and nested values as text", () => {
  assert.equal(formatCell(null), "");
  assert.equal(formatCell(42), "42");
  assert.equal(formatCell(0.1 + 0.2), "0.3");
  assert.equal(formatCell(9007199254740993n), "9007199254740993");
  assert.equal(formatCell(new Date(0)), "1970-01-01T00:00:00.000Z");
  assert.equal(formatCell({ toJSON: () => ({ a: 1n }) }), '{"a":"1"}');
  assert.equal(formatCell(new Uint8Array(3)), "<3 bytes>");
});

test("binary shows as offset, hex and printable characters", () => {
  const bytes = new Uint8Array([...Array.from("Hello, Tsematic!", (c) => c.charCodeAt(0)), 0, 255]);
  assert.equal(
    hexDump(bytes),
    "00000000  48 65 6c 6c 6f 2c 20 54 73 65 6d 61 74 69 63 21  Hello, Tsematic!\n" +
      "00000010  00 ff                                            ..",
  );
});
