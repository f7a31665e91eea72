import assert from "node:assert/strict";
import { test } from "node:test";
import { contentId } from "../hash";
import { isPlot, plot, plotType, summarizePlot, type Plot } from "./plot";

const line = {
  title: "Loss",
  data: {
    values: [
      { epoch: 1, loss: 0.5 },
      { epoch: 2, loss: 0.25 },
    ],
  },
  mark: "line",
  encoding: {
    x: { field: "epoch", type: "quantitative" },
    y: { field: "loss", type: "quantitative" },
  },
};

test("plot() returns a branded Plot holding the spec", () => {
  const p = plot(line);
  assert.equal(p.spec, line);
  assert.ok(isPlot(p));
  assert.deepEqual(Object.keys(p), ["spec"]);
  assert.equal(isPlot({ spec: line }), false);
});

test("the brand is a registered symbol, so another copy of the library recognises it", () => {
  const fromOtherCopy = Object.defineProperty({ spec: line }, Symbol.for("tsematic.plot"), {
    value: true,
  });
  assert.ok(isPlot(fromOtherCopy));
  assert.ok(plotType.matches(fromOtherCopy));
});

test("the bytes are the spec as canonical plain JSON", () => {
  const text = new TextDecoder().decode(
    plotType.serialize(
      plot({
        mark: "bar",
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        title: undefined,
      }),
    ),
  );
  assert.equal(text, '{"$schema":"https://vega.github.io/schema/vega-lite/v5.json","mark":"bar"}');
  assert.equal(plotType.mediaType, "application/vnd.vegalite.v5+json");
});

test("key order does not change a plot's id", () => {
  const a = plot({ mark: "bar", encoding: { x: { type: "ordinal", field: "a" } } });
  const b = plot({ encoding: { x: { field: "a", type: "ordinal" } }, mark: "bar" });
  assert.equal(
    contentId(plotType.name, plotType.serialize(a)),
    contentId(plotType.name, plotType.serialize(b)),
  );
});

test("a plot round-trips to an equal, branded plot", () => {
  const back = plotType.deserialize(plotType.serialize(plot(line)));
  assert.ok(isPlot(back));
  assert.deepEqual(back.spec, line);
});

test("specs without a mark or a composition are rejected naming what is needed", () => {
  assert.throws(
    () => plot({ data: { values: [] }, encoding: {} }),
    new TypeError(
      'plot() needs a Vega-Lite spec: an object with a "mark" (e.g. { mark: "bar", encoding: { ... } }) ' +
        "or a composition (layer, concat, hconcat, vconcat, facet, repeat); this one has only the keys data, encoding",
    ),
  );
  assert.throws(() => plot([] as never), /plot\(\) needs a Vega-Lite spec object, got Array/);
  assert.throws(() => plot("bar" as never), /got string/);
});

test("a Vega (not Vega-Lite) $schema is rejected", () => {
  assert.throws(
    () => plot({ $schema: "https://vega.github.io/schema/vega/v5.json", mark: "bar" }),
    /this spec's \$schema is "https:\/\/vega.github.io\/schema\/vega\/v5.json"; use a Vega-Lite spec/,
  );
});

test("malformed marks and compositions are rejected", () => {
  assert.throws(
    () => plot({ mark: 3 }),
    /"mark" must be a string such as "bar" or an object with a "type"/,
  );
  assert.throws(() => plot({ layer: { mark: "bar" } }), /"layer" must be an array of views/);
});

test("non-JSON values in a spec are rejected with their path when the plot is made", () => {
  assert.throws(
    () => plot({ mark: "point", data: { values: [{ t: new Date(0) }] } }),
    new TypeError(
      "plot(): Date at $.data.values[0].t: a Vega-Lite spec must be plain JSON; convert the Date to a string with toISOString()",
    ),
  );
  assert.throws(
    () => plot({ mark: "point", data: { values: [{ y: NaN }] } }),
    /\$\.data\.values\[0\]\.y: .*NaN is not a JSON number/,
  );
});

test("the summary lists mark, encoding, inline row count and title", () => {
  assert.deepEqual(summarizePlot(plot(line)), {
    mark: "line",
    marks: ["line"],
    composition: "single",
    encoding: [
      { channel: "x", field: "epoch", type: "quantitative" },
      { channel: "y", field: "loss", type: "quantitative" },
    ],
    dataRows: 2,
    title: "Loss",
  });
});

test("the summary of a layered plot collects every layer's marks and channels", () => {
  const layered: Plot = plot({
    title: { text: "Fit" },
    data: { url: "data/points.csv" },
    layer: [
      {
        mark: { type: "point", filled: true },
        encoding: { x: { field: "a", type: "quantitative" } },
      },
      {
        mark: "line",
        encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", aggregate: "mean" } },
      },
    ],
  });
  assert.deepEqual(plotType.summarize(layered, new Uint8Array()), {
    mark: null,
    marks: ["point", "line"],
    composition: "layer",
    encoding: [
      { channel: "x", field: "a", type: "quantitative" },
      { channel: "y", field: "b", aggregate: "mean" },
    ],
    dataRows: null,
    title: "Fit",
    dataUrl: "data/points.csv",
  });
});
