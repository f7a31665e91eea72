import assert from "node:assert/strict";
import { test } from "node:test";

import {
  clampOffset,
  contentHeight,
  type IGridGeometry,
  isScaled,
  MAX_SCROLL_HEIGHT,
  maxOffset,
  maxScroll,
  offsetAfterKey,
  offsetOfScroll,
  poolRotation,
  poolSize,
  scrollOfOffset,
  spacerHeight,
  visibleRows,
  wheelPixels,
} from "./grid-window";

const small: IGridGeometry = { rowCount: 300, rowHeight: 22, viewportHeight: 276 };
const million: IGridGeometry = { rowCount: 1_000_000, rowHeight: 22, viewportHeight: 276 };

test("a short table scrolls natively: the scroll bar position is the offset", () => {
  assert.equal(isScaled(small), false);
  assert.equal(spacerHeight(small), 6600);
  assert.equal(maxScroll(small), 6600 - 276);
  assert.equal(maxOffset(small), 6600 - 276);
  for (const position of [0, 1, 21.5, 3000, 6324]) {
    assert.equal(offsetOfScroll(small, position), position);
    assert.equal(scrollOfOffset(small, position), position);
  }
  assert.equal(offsetOfScroll(small, 99_999), 6324);
});

test("a million rows fit a spacer every browser can lay out, and both ends are reachable", () => {
  assert.equal(contentHeight(million), 22_000_000);
  assert.equal(spacerHeight(million), MAX_SCROLL_HEIGHT);
  assert.ok(MAX_SCROLL_HEIGHT < 17_000_000, "under Firefox's element height limit");
  assert.equal(isScaled(million), true);
  assert.equal(offsetOfScroll(million, 0), 0);
  assert.equal(offsetOfScroll(million, maxScroll(million)), maxOffset(million));
  const last = visibleRows(million, offsetOfScroll(million, maxScroll(million)));
  assert.equal(last.first + last.count, 1_000_000, "the last row shows at the end");
  // Halfway along the scroll bar is halfway through the rows.
  const middle = visibleRows(million, offsetOfScroll(million, maxScroll(million) / 2));
  assert.ok(Math.abs(middle.first - 500_000) < 10, `first row ${middle.first}`);
});

test("scroll bar position and offset convert back and forth", () => {
  for (const offset of [0, 22, 1234.5, 10_999_000, maxOffset(million)]) {
    const back = offsetOfScroll(million, scrollOfOffset(million, offset));
    assert.ok(Math.abs(back - offset) < 1e-6, `${offset} came back as ${back}`);
  }
});

test("the window covers the viewport, including a partly scrolled-out first row", () => {
  assert.deepEqual(visibleRows(small, 0), { first: 0, count: 13, shift: 0 });
  assert.deepEqual(visibleRows(small, 30), { first: 1, count: 13, shift: 8 });
  assert.deepEqual(visibleRows(small, maxOffset(small)), { first: 287, count: 13, shift: 10 });
  assert.ok(poolSize(small) >= 14, "the pool holds the largest window");
  for (let offset = 0; offset <= maxOffset(small); offset += 0.75) {
    const { count, shift } = visibleRows(small, offset);
    assert.ok(count <= poolSize(small));
    assert.ok(count * 22 - shift >= 276 || offset === maxOffset(small), `gap at ${offset}`);
  }
});

test("tables shorter than the viewport, empty ones and offsets out of range", () => {
  const three: IGridGeometry = { rowCount: 3, rowHeight: 22, viewportHeight: 276 };
  assert.deepEqual(visibleRows(three, 500), { first: 0, count: 3, shift: 0 });
  assert.equal(maxScroll(three), 0);
  assert.equal(offsetOfScroll(three, 40), 0);
  const empty: IGridGeometry = { rowCount: 0, rowHeight: 22, viewportHeight: 276 };
  assert.deepEqual(visibleRows(empty, 0), { first: 0, count: 0, shift: 0 });
  assert.equal(clampOffset(small, -5), 0);
  assert.equal(clampOffset(small, 1e9), maxOffset(small));
});

test("a table still arriving keeps its offset as the scale changes with each batch", () => {
  const growing = (rowCount: number): IGridGeometry => ({ ...million, rowCount });
  const offset = 200_000 * 22;
  for (const rows of [400_000, 500_000, 1_000_000]) {
    const g = growing(rows);
    assert.equal(offsetOfScroll(g, scrollOfOffset(g, offset)), offset);
    assert.equal(visibleRows(g, offset).first, 200_000);
  }
});

test("keys move by a row, by a page that keeps one row, and to either end", () => {
  assert.equal(offsetAfterKey(million, 0, "ArrowDown"), 22);
  assert.equal(offsetAfterKey(million, 0, "ArrowUp"), 0);
  assert.equal(offsetAfterKey(million, 0, "PageDown"), 254);
  assert.equal(offsetAfterKey(million, 1000, "PageUp"), 746);
  assert.equal(offsetAfterKey(million, 1000, "Home"), 0);
  assert.equal(offsetAfterKey(million, 0, "End"), maxOffset(million));
  assert.equal(offsetAfterKey(million, maxOffset(million), "ArrowDown"), maxOffset(million));
  assert.equal(offsetAfterKey(million, 0, "a"), null);
});

test("wheel deltas in pixels, lines and pages", () => {
  assert.equal(wheelPixels(million, { deltaY: 100, deltaMode: 0 }), 100);
  assert.equal(wheelPixels(million, { deltaY: 3, deltaMode: 1 }), 66);
  assert.equal(wheelPixels(million, { deltaY: -1, deltaMode: 2 }), -276);
});

test("scrolling by fewer rows than the pool keeps the rows still in view in their elements", () => {
  assert.equal(poolRotation(10, 13, 14), 3, "three elements move from the start to the end");
  assert.equal(poolRotation(10, 8, 14), -2, "two move from the end to the start");
  assert.equal(poolRotation(10, 10, 14), 0);
  assert.equal(poolRotation(10, 24, 14), 0, "a jump past the pool fills every element anew");
  assert.equal(poolRotation(10, -4, 14), 0);
  assert.equal(poolRotation(-1, 5, 14), 0, "an empty pool has nothing to keep");
  // Whatever the steps, after rotating, the elements still showing their row are all the rows
  // the two windows share; the rest are filled anew.
  let pool = Array.from({ length: 14 }, (_, i) => i);
  for (const first of [3, 4, 20, 19, 7, 7, 0, 13]) {
    const before = pool[0]!;
    const delta = poolRotation(before, first, pool.length);
    if (delta > 0) {
      pool = [...pool.slice(delta), ...pool.slice(0, delta)];
    }
    if (delta < 0) {
      pool = [...pool.slice(delta), ...pool.slice(0, pool.length + delta)];
    }
    const kept = pool.filter((row, i) => row === first + i).length;
    assert.equal(kept, Math.max(0, 14 - Math.abs(first - before)), `from ${before} to ${first}`);
    pool = pool.map((_, i) => first + i);
  }
});
