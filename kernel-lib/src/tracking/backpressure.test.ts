import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import { Backpressure } from "./backpressure";

test("no wait while there is room, and none is made", () => {
  const gate = new Backpressure(() => false);
  assert.equal(gate.wait(), undefined);
});

test("waiting steps are let through oldest first, a slice per turn, while there is room", async () => {
  let full = true;
  const gate = new Backpressure(() => full);
  const through: number[] = [];
  for (let i = 0; i < 600; i++) void gate.wait()!.then(() => through.push(i));
  gate.room(); // still full: nobody goes
  await nextTurn();
  assert.equal(through.length, 0);
  full = false;
  gate.room();
  await Promise.resolve();
  assert.equal(through.length, 256);
  // A newcomer queues behind those waiting, even though there is room now.
  const late = gate.wait();
  assert.notEqual(late, undefined);
  await nextTurn();
  await nextTurn();
  await nextTurn();
  assert.equal(through.length, 600);
  assert.deepEqual(
    through,
    Array.from({ length: 600 }, (_, i) => i),
  );
  await late;
});

test("a full gate stops letting steps through until it has room again", async () => {
  let full = false;
  const gate = new Backpressure(() => full);
  full = true;
  let through = 0;
  for (let i = 0; i < 600; i++) void gate.wait()!.then(() => through++);
  full = false;
  gate.room();
  full = true; // the first slice filled it again
  await nextTurn();
  await nextTurn();
  assert.equal(through, 256);
});

test("release lets every waiting and later step through (the uploader failed)", async () => {
  const gate = new Backpressure(() => true);
  const waits = [gate.wait(), gate.wait()];
  gate.release();
  await Promise.all(waits);
  assert.equal(gate.wait(), undefined);
});
