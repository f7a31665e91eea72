import assert from "node:assert/strict";
import { test } from "node:test";

import { contains, drawnWindow, intersects, visibleRect } from "./window";

test("the view of a zoomed, panned viewport is the layout rectangle under it", () => {
  const view = visibleRect({ width: 800, height: 400 }, { tx: -100, ty: 50, scale: 0.5 });
  assert.deepEqual(view, { x: 200, y: -100, width: 1_600, height: 800 });
});

test("the drawn window holds the view and half of it again on each side", () => {
  const view = { x: 200, y: -100, width: 1_600, height: 800 };
  const drawn = drawnWindow(view);
  assert.deepEqual(drawn, { x: -600, y: -500, width: 3_200, height: 1_600 });
  assert.ok(contains(drawn, view));
  // Panned by less than the margin: still drawn; by more: drawn again.
  assert.ok(contains(drawn, { ...view, x: view.x + 700 }));
  assert.ok(!contains(drawn, { ...view, x: view.x + 900 }));
  // Zoomed out twice as far: drawn again.
  assert.ok(!contains(drawn, drawnWindow(view, 0.5 * 1.01)));
});

test("a box is drawn when it overlaps the window, not when it only touches it", () => {
  const drawn = { x: 0, y: 0, width: 100, height: 100 };
  assert.ok(intersects({ x: 90, y: 90, width: 168, height: 30 }, drawn));
  assert.ok(intersects({ x: -10, y: -10, width: 500, height: 500 }, drawn), "a group around it");
  assert.ok(!intersects({ x: 100, y: 0, width: 168, height: 30 }, drawn));
  assert.ok(!intersects({ x: 0, y: -30, width: 168, height: 30 }, drawn));
});
