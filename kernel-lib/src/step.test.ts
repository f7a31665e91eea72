import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "node:util";
import { func, StepDefinitionError, isFuture } from "./index";

test("a step is named after its function", () => {
  const load = func(function load(n: number) {
    return n;
  });
  assert.equal(load.stepName, "load");
  assert.equal(load.spec.parameters.join(","), "n");
});

test("the name option overrides the function's name", () => {
  const step = func({ name: "renamed" }, function original() {
    return 1;
  });
  assert.equal(step.stepName, "renamed");
});

test("an anonymous function without a name option is a clear error", () => {
  assert.throws(
    () =>
      func(
        (
          () => () =>
            1
        )(),
      ),
    (e: unknown) =>
      e instanceof StepDefinitionError && /has no name/.test(e.message) && /name:/.test(e.message),
  );
});

test("func without a function says what it needs", () => {
  assert.throws(() => func({} as never), /func\(\) needs a function/);
});

test("calling a step returns a future and runs nothing", () => {
  let calls = 0;
  const step = func(function counted() {
    calls++;
    return calls;
  });
  const future = step();
  assert.ok(isFuture(future));
  assert.equal(calls, 0);
});

test("invalid options name the step and the option", () => {
  const f = function bad() {
    return 1;
  };
  assert.throws(
    () => func({ resources: { cpus: -1 } }, f),
    /func\(bad\): resources\.cpus must be a number >= 0, got -1/,
  );
  assert.throws(
    () => func({ retry: { attempts: 0 } }, f),
    /retry\.attempts must be a whole number >= 1/,
  );
  assert.throws(() => func({ timeoutMs: 0 }, f), /timeoutMs must be a number >= 1/);
  assert.throws(() => func({ colour: "red" } as never, f), /unknown option "colour"/);
  assert.throws(() => func({ resources: { tpus: 1 } } as never, f), /unknown resource "tpus"/);
  assert.throws(() => func({ resources: { gpus: 0.5 } }, f), /gpus must be a whole number/);
  assert.throws(() => func({ tags: ["a", 1] } as never, f), /tags must be an array of strings/);
});

test("editing a step's body changes its source hash; an explicit version replaces it", () => {
  const a = func(function s(x: number) {
    return x + 1;
  });
  const b = func(function s(x: number) {
    return x + 2;
  });
  assert.notEqual(a.spec.codeVersion, b.spec.codeVersion);
  const v1 = func({ version: "1" }, function s(x: number) {
    return x + 1;
  });
  const v1edited = func({ version: "1" }, function s(x: number) {
    return x * 3;
  });
  assert.equal(v1.spec.codeVersion, v1edited.spec.codeVersion);
});

test("a future used as a plain value throws, naming the step and what to do", () => {
  const square = func(function square(x: number) {
    return x * x;
  });
  const f = square(7);
  const expected = (e: unknown) =>
    e instanceof StepDefinitionError &&
    /future of step "square" was used as a plain value/.test(e.message) &&
    /`await` it/.test(e.message) &&
    /pass the future itself to another step/.test(e.message);
  assert.throws(() => `${f as unknown as string}`, expected);
  assert.throws(() => (f as unknown as number) + 1, expected);
  assert.throws(() => String(f), expected);
  assert.throws(() => f.toString(), expected);
  // Inspecting a future (console.log, a notebook cell's last value) still works.
  assert.match(inspect(f), /Future/);
});

test("resolve() or run() inside a running step fails and says to await the future", async () => {
  const inner = func(function inner() {
    return 1;
  });
  for (const method of ["resolve", "run"] as const) {
    const outer = func(async function outer() {
      return method === "resolve"
        ? await inner().resolve({ tracking: false })
        : (await inner().run({ tracking: false })).value;
    });
    await assert.rejects(outer().resolve({ tracking: false }), (e: Error) => {
      const cause = (e as Error & { cause?: unknown }).cause;
      assert.ok(cause instanceof StepDefinitionError);
      assert.match(
        cause.message,
        new RegExp(`inner\\(\\.\\.\\.\\)\\.${method}\\(\\) was called inside the step "outer"`),
      );
      assert.match(cause.message, /write `await inner\(\.\.\.\)` instead/);
      return true;
    });
  }
});
