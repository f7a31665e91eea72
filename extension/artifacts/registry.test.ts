import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { IArtifactViewRegistry } from "../tokens";
import { ArtifactViewRegistry } from "./registry";

/** Factories are compared by identity; they are never called here (a widget needs a DOM). */
const factory = (): IArtifactViewRegistry.Factory => () => {
  throw new Error("not called in these tests");
};

describe("ArtifactViewRegistry", () => {
  it("finds a view by exact type name, then the longest prefix.* pattern, then *", () => {
    const registry = new ArtifactViewRegistry();
    const any = factory();
    const images = factory();
    const vectorImages = factory();
    const png = factory();
    registry.add("*", any);
    registry.add("image.*", images);
    registry.add("image.svg.*", vectorImages);
    registry.add("image.png", png);
    assert.equal(registry.factoryFor("image.png"), png);
    assert.equal(registry.factoryFor("image.jpeg"), images);
    assert.equal(registry.factoryFor("image.svg.xml"), vectorImages);
    assert.equal(registry.factoryFor("my.model"), any);
    assert.equal(registry.factoryFor("imagery"), any, "a prefix matches whole name parts only");
  });

  it("has no view for a type when nothing matches (no * registered)", () => {
    const registry = new ArtifactViewRegistry();
    registry.add("json", factory());
    assert.equal(registry.factoryFor("my.model"), null);
  });

  it("lets a package replace a view while its registration lives, then brings the old one back", () => {
    const registry = new ArtifactViewRegistry();
    const builtin = factory();
    const mine = factory();
    registry.add("json", builtin);
    const registration = registry.add("json", mine);
    assert.equal(registry.factoryFor("json"), mine, "the newest registration wins");
    registration.dispose();
    registration.dispose();
    assert.equal(registration.isDisposed, true);
    assert.equal(registry.factoryFor("json"), builtin, "disposing restores the previous view");
  });

  it("removes exactly the disposed registration, whatever the order", () => {
    const registry = new ArtifactViewRegistry();
    const first = factory();
    const second = factory();
    const a = registry.add("my.model", first);
    registry.add("my.model", second);
    a.dispose();
    assert.equal(registry.factoryFor("my.model"), second);
  });

  it("says which pattern changed, on add and on dispose", () => {
    const registry = new ArtifactViewRegistry();
    const changes: string[] = [];
    registry.changed.connect((_, pattern) => changes.push(pattern));
    registry.add("image.*", factory()).dispose();
    assert.deepEqual(changes, ["image.*", "image.*"]);
  });

  it("refuses a pattern that is not a type name, saying what to give", () => {
    const registry = new ArtifactViewRegistry();
    for (const bad of ["", "*.png", "image.*.png", ".model", "ima*ge"]) {
      assert.throws(() => registry.add(bad, factory()), {
        name: "TypeError",
        message: /is not a type name: give the name a type was registered with/,
      });
    }
    assert.throws(() => registry.add("my.model", "view" as never), {
      message: /my\.model.*the factory must be a function/,
    });
  });

  it("says which type has no view, and what to check, when asked to make one", () => {
    const registry = new ArtifactViewRegistry();
    assert.throws(
      () =>
        registry.createView(
          { id: "a1", typeName: "my.model", mediaType: "", size: 0, summary: {} },
          { api: null as never, rendermime: null },
        ),
      /No view shows artifacts of type "my\.model".*artifact-views plugin disabled/,
    );
  });
});
