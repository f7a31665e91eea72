import assert from "node:assert/strict";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

import { type IDrawnRunPoint, acrossRunsSpec } from "./specs";
import { withoutSubsetDomains } from "./subset-domains";

type Spec = Record<string, unknown>;

interface IVegaView {
  runAsync(): Promise<unknown>;
  scale(name: string): { domain(): unknown[] };
  finalize(): void;
}
interface IVega {
  parse(spec: Spec): unknown;
  View: new (runtime: unknown, options: { renderer: "none"; logger: unknown }) => IVegaView;
}

/** An ES module imported natively: the tests are compiled to CommonJS (`import()` → `require()`). */
function importNative<T>(name: string): Promise<T> {
  const load = new Function("url", "return import(url)") as (url: string) => Promise<T>;
  return load(pathToFileURL(require.resolve(name)).href);
}

/** A metric chart's spec, compiled by Vega-Lite as the extension compiles it. */
async function compiledChart(points: IDrawnRunPoint[]): Promise<Spec> {
  const { compile } = await importNative<{ compile: (spec: Spec) => { spec: Spec } }>("vega-lite");
  const { spec, holes } = acrossRunsSpec("loss", points);
  let text = JSON.stringify(spec);
  for (const [marker, value] of Object.entries(holes ?? {})) {
    text = text.split(marker).join(value);
  }
  return JSON.parse(JSON.stringify(compile(JSON.parse(text) as Spec).spec)) as Spec;
}

/** Runs `spec` in a headless Vega view: what it warned, and its x, y and color domains. */
async function drawn(spec: Spec): Promise<{ warnings: string[]; domains: unknown[][] }> {
  const vega = await importNative<IVega>("vega");
  const warnings: string[] = [];
  const logger = {
    level() {
      return logger;
    },
    error: (...args: unknown[]) => warnings.push(args.join(" ")),
    warn: (...args: unknown[]) => warnings.push(args.join(" ")),
    info: () => undefined,
    debug: () => undefined,
  };
  const view = new vega.View(vega.parse(spec), { renderer: "none", logger });
  await view.runAsync();
  const domains = ["x", "y", "color"].map((name) => view.scale(name).domain());
  view.finalize();
  return { warnings, domains };
}

const points = (marked: boolean): IDrawnRunPoint[] =>
  Array.from({ length: 200 }, (_, i) => ({
    rootId: `run-${i}`,
    series: i % 2 === 0 ? "a" : "b",
    x: Date.UTC(2026, 0, 1) + i * 60_000,
    value: 1 / (i + 1),
    state: "resolved",
    marked,
  }));

test("a metric chart whose points are not drawn yet warns of no infinite extent, with the domains it had", async () => {
  const compiled = await compiledChart(points(false));
  const before = await drawn(compiled);
  // What the view logged before: one warning per continuous scale of the empty points layer.
  assert.deepEqual(before.warnings, [
    'Infinite extent for field "x": [Infinity, -Infinity]',
    'Infinite extent for field "value": [Infinity, -Infinity]',
  ]);
  const after = await drawn(withoutSubsetDomains(compiled));
  assert.deepEqual(after.warnings, []);
  assert.deepEqual(after.domains, before.domains);
});

test("with its points drawn, a metric chart keeps Vega-Lite's domains", async () => {
  const compiled = await compiledChart(points(true));
  const [before, after] = [await drawn(compiled), await drawn(withoutSubsetDomains(compiled))];
  assert.deepEqual(after, before);
  assert.equal(after.domains[2]!.length, 2);
});

test("a data set that computes fields (not only filters) still counts in a domain", () => {
  const scale = {
    name: "y",
    domain: {
      fields: [
        { data: "a", field: "v" },
        { data: "b", field: "v" },
        { data: "c", field: "v" },
      ],
    },
  };
  const spec = {
    data: [
      { name: "a" },
      { name: "b", source: "a", transform: [{ type: "formula", expr: "datum.v * 2", as: "v" }] },
      { name: "c", source: "b", transform: [{ type: "filter", expr: "datum.v > 1" }] },
    ],
    scales: [scale],
  };
  // c only filters b: dropped; b computes v anew: kept.
  assert.deepEqual((withoutSubsetDomains(spec).scales as unknown[])[0], {
    name: "y",
    domain: {
      fields: [
        { data: "a", field: "v" },
        { data: "b", field: "v" },
      ],
    },
  });
});
