import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compositeModel, partLabel, SHOWN_PARTS } from "./composite-model";

const id = (n: number): string => n.toString(16).padStart(64, "0");

describe("compositeModel", () => {
  it("lists each part of a { table, chart } value with its path, id and type", () => {
    const model = compositeModel({
      kind: "object",
      preview: "{chart: <plot.vega-lite>, table: <arrow.table>}",
      partCount: 2,
      parts: [
        { path: "$.chart", id: id(1), typeName: "plot.vega-lite", size: 14 },
        { path: "$.table", id: id(2), typeName: "arrow.table", size: 312 },
      ],
    });
    assert.equal(model.preview, "{chart: <plot.vega-lite>, table: <arrow.table>}");
    assert.deepEqual(
      model.parts.map((p) => partLabel(p)),
      ["chart · plot.vega-lite", "table · arrow.table"],
    );
    assert.deepEqual(model.hidden, []);
  });

  it("leaves out parts the summary describes badly instead of failing the view", () => {
    const model = compositeModel({
      parts: [
        null,
        { path: "$[0]", id: "not-an-id", typeName: "binary" },
        { id: id(3), typeName: "binary" },
      ],
    });
    assert.deepEqual(model.parts, [{ path: "$", id: id(3), typeName: "binary", size: 0 }]);
    assert.equal(compositeModel({}).parts.length, 0);
  });

  it("renders the first parts and lists the rest by path", () => {
    const parts = Array.from({ length: SHOWN_PARTS + 3 }, (_, i) => ({
      path: `$[${i}]`,
      id: id(i + 1),
      typeName: "arrow.table",
      size: 1,
    }));
    const model = compositeModel({ parts });
    assert.equal(model.parts.length, SHOWN_PARTS);
    assert.deepEqual(
      model.hidden.map((p) => partLabel(p)),
      [
        `[${SHOWN_PARTS}] · arrow.table`,
        `[${SHOWN_PARTS + 1}] · arrow.table`,
        `[${SHOWN_PARTS + 2}] · arrow.table`,
      ],
    );
  });
});
