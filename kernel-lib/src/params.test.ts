import assert from "node:assert/strict";
import { test } from "node:test";
import { parameterNames } from "./params";

test("parameter names come from the function's source", () => {
  assert.deepEqual(
    parameterNames(function train(data: unknown, lr = 0.1) {
      return [data, lr];
    }),
    ["data", "lr"],
  );
});

test("arrow functions, async functions and single bare parameters are read", () => {
  assert.deepEqual(
    parameterNames(async (a: number, b: string) => [a, b]),
    ["a", "b"],
  );
  // A bare parameter: built with new Function so the compiler does not add parentheses.
  assert.deepEqual(parameterNames(new Function("return x => x")() as () => unknown), ["x"]);
  assert.deepEqual(
    parameterNames(() => 1),
    [],
  );
});

test("defaults containing commas, parentheses and strings do not split a parameter", () => {
  const fn = new Function(
    `return function f(a = [1, 2], b = "x,(y", c = g(1, 2), /* d, */ e) {}`,
  )() as () => unknown;
  assert.deepEqual(parameterNames(fn), ["a", "b", "c", "e"]);
});

test("destructured parameters get positional names and rest keeps its name", () => {
  const fn = new Function(`return function f({ a, b }, [c], ...rest) {}`)() as () => unknown;
  assert.deepEqual(parameterNames(fn), ["arg0", "arg1", "rest"]);
});
