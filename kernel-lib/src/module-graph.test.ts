import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";

/** Compiled modules of the library (this directory is `lib/`), tests left out. */
function libraryModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return libraryModules(path);
    return entry.name.endsWith(".js") && !entry.name.endsWith(".test.js") ? [path] : [];
  });
}

/** Every relative `require("./x")` of a compiled module, also the lazy ones inside functions. */
function requiresOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const match of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
    const target = resolve(dirname(file), match[1]!);
    out.push(target.endsWith(".js") ? target : `${target}.js`);
  }
  return out;
}

test("the library's modules import each other without a cycle", () => {
  const modules = libraryModules(__dirname);
  const graph = new Map(modules.map((m) => [m, requiresOf(m)] as const));
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const cycles: string[] = [];
  const visit = (module: string): void => {
    if (done.has(module)) return;
    if (onPath.has(module)) {
      const cycle = [...path.slice(path.indexOf(module)), module];
      cycles.push(cycle.map((m) => relative(__dirname, m)).join(" -> "));
      return;
    }
    onPath.add(module);
    path.push(module);
    for (const dep of graph.get(module) ?? []) visit(dep);
    path.pop();
    onPath.delete(module);
    done.add(module);
  };
  for (const module of modules) visit(module);
  assert.ok(modules.length > 20, `found the compiled modules in ${__dirname}`);
  assert.deepEqual(cycles, []);
});

test("a silent run loads no lineage server client", () => {
  const script = `
    const { func } = require(${JSON.stringify(join(__dirname, "index.js"))});
    const double = func(function double(x) { return x * 2; });
    const pipeline = func(async function pipeline(n) { return [await double(n), await double(n + 1)]; });
    pipeline(2).resolve({ tracking: false }).then((value) => {
      const loaded = Object.keys(require.cache).map((p) => p.slice(${JSON.stringify(__dirname)}.length + 1));
      process.stdout.write(JSON.stringify({ value, loaded }));
    });`;
  const out = JSON.parse(
    execFileSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      env: { ...process.env, TSEMATIC_URL: "" },
    }),
  ) as { value: number[]; loaded: string[] };
  assert.deepEqual(out.value, [4, 6]);
  assert.ok(out.loaded.includes("runner/resolution.js"), "the runner itself was loaded");
  const client = [
    "tracking/server-backend.js",
    "tracking/http.js",
    "tracking/event-uploader.js",
    "tracking/artifact-uploader.js",
    "tracking/embedded-server.js",
    "tracking/remote-cache.js",
    "tracking/endpoint.js",
  ];
  assert.deepEqual(
    out.loaded.filter((p) => client.includes(p)),
    [],
  );
});

test("apache-arrow is loaded by the first table, not by importing tsematic (a worker or a notebook without tables never pays for it)", () => {
  const script = `
    const arrowLoaded = () => Object.keys(require.cache).some((p) => p.includes("apache-arrow"));
    const { func } = require(${JSON.stringify(join(__dirname, "index.js"))});
    const double = func(function double(x) { return x * 2; });
    const rows = func(function rows(n) {
      return require("apache-arrow").tableFromArrays({ x: Float64Array.from({ length: n }, (_, i) => i) });
    });
    double(2).resolve({ tracking: false }).then(async (value) => {
      const before = arrowLoaded();
      const table = await rows(3).resolve({ tracking: false });
      process.stdout.write(JSON.stringify({ value, before, rows: table.numRows, after: arrowLoaded() }));
    });`;
  const out = JSON.parse(
    execFileSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      cwd: __dirname,
      env: { ...process.env, TSEMATIC_URL: "" },
    }),
  ) as { value: number; before: boolean; rows: number; after: boolean };
  assert.deepEqual(out, { value: 4, before: false, rows: 3, after: true });
});
