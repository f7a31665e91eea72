import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { shapeDifference } from "./rerun-inputs";

describe("a new input's shape against the old value's", () => {
  it("accepts the same JSON type at every place", () => {
    assert.equal(shapeDifference(0.1, 0.5, ""), undefined);
    assert.equal(shapeDifference({ rate: 2, name: "a" }, { name: "b", rate: 3 }, ""), undefined);
    assert.equal(shapeDifference([1, 2], [3, 4, 5], ""), undefined);
    assert.equal(shapeDifference([], ["anything"], ""), undefined);
    assert.equal(
      shapeDifference([1, "a"], ["b", 2], ""),
      undefined,
      "mixed arrays: any old element",
    );
    assert.equal(shapeDifference(null, null, ""), undefined);
  });

  it("names the first difference: the expected and the given type, and where", () => {
    assert.equal(shapeDifference(0.1, "fast", ""), "expected number, got string");
    assert.equal(
      shapeDifference({ rate: 2 }, { rate: "x" }, ""),
      "expected number, got string at .rate",
    );
    assert.equal(shapeDifference([1], [1, "2"], ""), "expected number, got string at [1]");
    assert.equal(shapeDifference({ a: 1 }, { b: 1 }, ""), 'missing key "a"');
    assert.equal(shapeDifference({ a: 1 }, { a: 1, b: 2 }, ""), 'unexpected key "b"');
    assert.equal(shapeDifference([1], {}, ""), "expected array, got object");
    assert.equal(shapeDifference(1, null, ""), "expected number, got null");
  });
});
