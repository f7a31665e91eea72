import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runInThisContext } from "node:vm";
import { func, stepByName, StepDefinitionError } from "./index";

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test("func() registers its step by name, and stepByName returns a step that resolves", async () => {
  const square = func(function registrySquare(x: number) {
    return x * x;
  });
  await nextTurn();
  const found = stepByName("registrySquare");
  assert.equal(found, square);
  assert.equal(await found(7).resolve({ tracking: false }), 49);
});

test("looking up a name no step has is an error naming the defined steps", () => {
  assert.throws(
    () => stepByName("noSuchStepAnywhere"),
    (e: unknown) =>
      e instanceof StepDefinitionError &&
      /no step named "noSuchStepAnywhere"/.test(e.message) &&
      /registrySquare/.test(e.message),
  );
});

test("two different steps with one name in one module are reported when looked up, with both places", async () => {
  await nextTurn();
  func({ name: "registryTwice" }, function a() {
    return 1;
  });
  func({ name: "registryTwice" }, function b() {
    return 2;
  });
  assert.throws(
    () => stepByName("registryTwice"),
    (e: unknown) =>
      e instanceof StepDefinitionError &&
      /2 different steps are named "registryTwice"/.test(e.message) &&
      (e.message.match(/step-registry\.test\.js:\d+:\d+/g) ?? []).length === 2,
  );
});

test("re-running a notebook cell that redefines a step replaces it", async () => {
  // tslab runs each cell with vm.runInThisContext: every cell's code is "evalmachine.<anonymous>".
  const cell = (body: string) =>
    (runInThisContext(`(function (func) { ${body} })`) as (f: typeof func) => unknown)(func);
  cell("func(function registryCell(x) { return x + 1; });");
  await nextTurn();
  cell("func(function registryCell(x) { return x + 2; });");
  await nextTurn();
  assert.equal(await stepByName("registryCell")(1).resolve({ tracking: false }), 3);
});

test("the same func() call evaluated again in one turn (a factory) is one step, the latest", async () => {
  await nextTurn();
  const make = (k: number) => func({ name: "registryFactory" }, (x: number) => x * k);
  for (const k of [1, 2, 3]) make(k);
  assert.equal(await stepByName("registryFactory")(2).resolve({ tracking: false }), 6);
});

test("two modules defining one step name are both named when it is looked up", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsematic-registry-"));
  try {
    const lib = JSON.stringify(join(__dirname, "index.js"));
    for (const name of ["one.js", "two.js"]) {
      writeFileSync(
        join(dir, name),
        `const { func } = require(${lib});\nfunc(function registryShared() { return "${name}"; });\n`,
      );
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(dir, name));
    }
    assert.throws(
      () => stepByName("registryShared"),
      (e: unknown) =>
        e instanceof StepDefinitionError &&
        /one\.js:2:1/.test(e.message) &&
        /two\.js:2:1/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a second copy of the library sees the same registry (notebook cells that re-import)", () => {
  const first = stepByName("registrySquare");
  const path = require.resolve("./step-registry");
  const cached = require.cache[path];
  delete require.cache[path];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const copy = require(path) as typeof import("./step-registry");
    assert.equal(copy.stepByName("registrySquare"), first);
  } finally {
    require.cache[path] = cached;
  }
});
