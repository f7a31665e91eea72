import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { RenderSlot } from "./render-slot";

/** A render result that counts its finalizations (a vega view stands in no other way in node). */
class Drawn {
  constructor(readonly name: string) {}
  finalized = 0;
  finalize(): void {
    this.finalized++;
  }
}

describe("RenderSlot", () => {
  it("finalizes an older render that finishes after a newer one (theme changed mid-render)", () => {
    const slot = new RenderSlot<Drawn>();
    const light = slot.begin(); // first render, still drawing
    const dark = slot.begin(); // the theme changed: a second render
    const darkView = new Drawn("dark");
    const lightView = new Drawn("light");
    assert.equal(slot.settle(dark, darkView), true);
    assert.equal(slot.settle(light, lightView), false, "the older render is not kept");
    assert.equal(lightView.finalized, 1, "and its view is finalized, not leaked");
    assert.equal(darkView.finalized, 0);
    assert.equal(slot.current, darkView);
  });

  it("finalizes the kept view when a newer render replaces it", () => {
    const slot = new RenderSlot<Drawn>();
    const first = new Drawn("first");
    slot.settle(slot.begin(), first);
    const second = new Drawn("second");
    slot.settle(slot.begin(), second);
    assert.equal(first.finalized, 1);
    assert.equal(slot.current, second);
  });

  it("finalizes the kept view once on dispose, and a render that ends after it at once", () => {
    const slot = new RenderSlot<Drawn>();
    const kept = new Drawn("kept");
    slot.settle(slot.begin(), kept);
    const late = slot.begin();
    slot.dispose();
    slot.dispose();
    assert.equal(kept.finalized, 1);
    const lateView = new Drawn("late");
    assert.equal(slot.settle(late, lateView), false);
    assert.equal(lateView.finalized, 1);
    assert.equal(slot.current, null);
  });
});
