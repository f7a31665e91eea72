import assert from "node:assert/strict";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

import { ChartShapes, fillShape, hole, MAX_SHAPES, shapeKey, type Spec } from "./chart-shapes";
import { acrossRunsSpec, curvesSpec, type IDrawnRunPoint } from "./specs";

type Compile = (spec: Spec) => { spec: Spec };

/** A spec as Vega reads it: Vega-Lite's output holds objects with getters (its signal refs). */
const asJson = (spec: Spec): unknown => JSON.parse(JSON.stringify(spec));

/**
 * Vega-Lite, as the extension compiles with it. Imported natively: the tests are compiled to
 * CommonJS, which turns `import()` into `require()`, and vega-lite is an ES module.
 */
async function vegaLite(): Promise<Compile> {
  const importNative = new Function("url", "return import(url)") as (
    url: string,
  ) => Promise<{ compile: Compile }>;
  const module = await importNative(pathToFileURL(require.resolve("vega-lite")).href);
  return (spec) => module.compile(spec);
}

const point = (i: number, series: string): IDrawnRunPoint => ({
  rootId: `run-${i}`,
  series,
  x: Date.UTC(2026, 0, 1) + i * 60_000,
  value: 1 / (i + 1),
  state: i % 3 === 2 ? "failed" : "resolved",
  marked: true,
});

/** A spec compiled with its name written in, without a hole. */
function withoutHoles(chart: { spec: Spec; holes?: Readonly<Record<string, string>> }): Spec {
  let text = JSON.stringify(chart.spec);
  for (const [marker, value] of Object.entries(chart.holes ?? {})) {
    text = text.split(marker).join(JSON.stringify(value).slice(1, -1));
  }
  return JSON.parse(text) as Spec;
}

test("a metric's chart filled from another metric's compile is its own compile", async () => {
  const compile = await vegaLite();
  const shared = acrossRunsSpec("loss", [point(0, "lr=0.1"), point(1, "lr=0.1")]);
  // Quotes, a backslash and a colon: the name is written into Vega expressions as a string literal.
  const names = ["val_loss", 'say "hi"', "a\\b: c'd", "accuracy ∆"];
  const compiled = compile(shared.spec).spec;
  for (const name of names) {
    const chart = acrossRunsSpec(name, [point(0, "lr=0.1"), point(1, "lr=0.01"), point(2, "x")]);
    assert.equal(shapeKey(chart, "light"), shapeKey(shared, "light"), "one shape for all names");
    assert.deepEqual(
      asJson(fillShape(compiled, chart)),
      asJson(compile(withoutHoles(chart)).spec),
      name,
    );
  }
});

test("a curves chart filled from another's compile is its own compile", async () => {
  const compile = await vegaLite();
  const steps = (n: number) =>
    Array.from({ length: n }, (_, step) => ({ series: "(no labels)", step, value: step / 2 }));
  const compiled = compile(curvesSpec("loss", steps(3)).spec).spec;
  const chart = curvesSpec('f1 "macro"', steps(5));
  assert.deepEqual(asJson(fillShape(compiled, chart)), asJson(compile(withoutHoles(chart)).spec));
});

test("charts of different themes or specs have different shapes", () => {
  const chart = acrossRunsSpec("loss", [point(0, "a")]);
  assert.notEqual(shapeKey(chart, "light"), shapeKey(chart, "dark"));
  const canvas = { ...chart, spec: { ...chart.spec, config: { aria: false } } };
  assert.notEqual(shapeKey(canvas, "light"), shapeKey(chart, "light"));
});

test("filling a shape leaves the kept compile as it was", () => {
  const shapes = new ChartShapes();
  const name = hole("metric");
  const compiled: Spec = {
    description: `${name} across runs`,
    data: [
      { name: "points", values: [{ v: 1 }] },
      { name: "derived", source: "points" },
    ],
    signals: [{ name: "s", update: `"${name}: " + datum.v` }],
  };
  const kept = shapes.keep("key", compiled);
  assert.deepEqual(kept.data, [
    { name: "points", values: [] },
    { name: "derived", source: "points" },
  ]);
  const values = [{ v: 2 }, { v: 3 }];
  const filled = fillShape(kept, {
    spec: { data: { name: "points", values } },
    holes: { [name]: 'a "b"' },
  });
  assert.equal(filled.description, 'a "b" across runs');
  assert.deepEqual(filled.signals, [{ name: "s", update: '"a \\"b\\": " + datum.v' }]);
  assert.equal((filled.data as Spec[])[0]!.values, values, "the chart's values, not a copy");
  assert.equal(shapes.get("key"), kept);
  assert.equal(kept.description, `${name} across runs`, "the kept compile still has its hole");
});

test(`at most ${MAX_SHAPES} shapes are kept, the oldest dropped`, () => {
  const shapes = new ChartShapes();
  for (let i = 0; i <= MAX_SHAPES; i++) {
    shapes.keep(`shape-${i}`, { data: [] });
  }
  assert.equal(shapes.size, MAX_SHAPES);
  assert.equal(shapes.get("shape-0"), undefined);
  assert.ok(shapes.get(`shape-${MAX_SHAPES}`));
});

test("a chart without named inline data is refused with what it needs", () => {
  assert.throws(
    () => shapeKey({ spec: { data: { url: "x.json" } } }, "light"),
    /its data at the top, named, with its values inline/,
  );
  assert.throws(() => hole("Metric 1"), /lowercase letters/);
});
