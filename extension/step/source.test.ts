import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { sourceShown } from "./source";

const compiled = "function scale(p, k) {\n    return p.x * k;\n}";
const typed = "function scale(p: Point, k: number): number {\n  return p.x * k;\n}";

describe("sourceShown", () => {
  it("shows the TypeScript by default, labelled with its cell, with the compiled text one click away", () => {
    assert.deepEqual(
      sourceShown({ sourceText: compiled, sourceTypeScript: typed, sourceCell: 7 }, false),
      { label: "TypeScript, cell [7]", text: typed, toggle: "Show compiled JavaScript" },
    );
  });

  it("shows the compiled JavaScript when asked, with the way back to the TypeScript", () => {
    assert.deepEqual(
      sourceShown({ sourceText: compiled, sourceTypeScript: typed, sourceCell: 7 }, true),
      { label: "Compiled JavaScript (what ran)", text: compiled, toggle: "Show TypeScript" },
    );
  });

  it("shows the compiled text alone, with no label or toggle, where no TypeScript is known", () => {
    for (const asked of [false, true]) {
      assert.deepEqual(sourceShown({ sourceText: compiled }, asked), {
        label: null,
        text: compiled,
        toggle: null,
      });
    }
  });
});
