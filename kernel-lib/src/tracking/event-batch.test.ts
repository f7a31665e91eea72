import assert from "node:assert/strict";
import { test } from "node:test";
import { EventBatch } from "./event-batch";

const body = (batch: EventBatch) =>
  JSON.parse(batch.seal().toString("utf8")) as { events: unknown[] };

test("a batch's body is the JSON of its events in order, any text included", () => {
  const batch = new EventBatch(1_000_000, 100);
  const events = Array.from({ length: 50 }, (_, i) => ({
    i,
    text: `ünïcode ✓ ${"x".repeat(i * 100)}`,
  }));
  for (const e of events) assert.ok(batch.add(JSON.stringify(e)));
  assert.equal(batch.count, 50);
  assert.deepEqual(body(batch).events, events);
  assert.equal(batch.bytes, batch.seal().length);
});

test("an empty batch's body has no events", () => {
  assert.deepEqual(body(new EventBatch(100, 10)).events, []);
});

test("a batch is full at its count or its bytes, and takes nothing once sealed", () => {
  const byCount = new EventBatch(1_000_000, 2);
  assert.ok(byCount.add("1") && byCount.add("2"));
  assert.equal(byCount.add("3"), false);
  const byBytes = new EventBatch(40, 100);
  assert.ok(byBytes.add('"aaaaaaaaaa"')); // 11 + 12 + 2 = 25 bytes
  assert.equal(byBytes.add('"bbbbbbbbbbbbbbb"'), false); // would be 43
  assert.ok(byBytes.add('"b"')); // 29
  assert.deepEqual(body(byBytes).events, ["aaaaaaaaaa", "b"]);
  assert.ok(byBytes.seal().length <= 40);
  assert.equal(byBytes.add("1"), false);
  // Non-ASCII counts by its UTF-8 bytes: 10 × "é" is 20 bytes, too many beside the first event.
  const utf8 = new EventBatch(40, 100);
  assert.ok(utf8.add('"aaaaaaaaaa"'));
  assert.equal(utf8.add(`"${"é".repeat(10)}"`), false);
});

test("an event larger than any batch goes alone into an empty one", () => {
  const batch = new EventBatch(10, 100);
  assert.ok(batch.add('"far larger than ten bytes"'));
  assert.equal(batch.add("1"), false);
  assert.deepEqual(body(batch).events, ["far larger than ten bytes"]);
});

test("a batch written into a recycled buffer holds only its own events", () => {
  const first = new EventBatch(1_000_000, 100);
  for (let i = 0; i < 20; i++) {
    assert.ok(first.add(JSON.stringify({ first: i, pad: "x".repeat(50) })));
  }
  first.seal();
  const second = new EventBatch(1_000_000, 100, first.recycle());
  assert.ok(second.add('{"second":1}'));
  assert.deepEqual(body(second).events, [{ second: 1 }]);
  assert.equal(second.bytes, second.seal().length);
});
