import assert from "node:assert/strict";
import { test } from "node:test";
import { BUILTIN_TYPES } from "./builtin";
import { errorType, isErrorLike } from "./error";
import { TypeRegistry } from "./registry";

const registry = new TypeRegistry(BUILTIN_TYPES);
const roundTrip = (value: unknown): Error =>
  errorType.deserialize(errorType.serialize(value as Error)) as Error;

test("errors are recognised, plain records with the same keys are data", () => {
  assert.ok(isErrorLike(new Error("x")));
  assert.ok(isErrorLike(new (class NotFound extends Error {})("x")));
  assert.ok(
    isErrorLike(
      Object.assign(Object.create({ kind: "custom" }), { name: "E", message: "m", stack: "s" }),
    ),
  );
  assert.equal(isErrorLike({ name: "Alice", message: "hello", stack: "s" }), false);
  assert.equal(registry.toArtifact({ name: "Alice", message: "hello" }).typeName, "json");
  assert.equal(registry.toArtifact(new Error("x")).typeName, "error");
});

test("the bytes are canonical JSON of name, message and stack", () => {
  const error = new Error("boom");
  error.stack = "Error: boom\n    at step (pipeline.ts:3:9)";
  assert.equal(
    new TextDecoder().decode(errorType.serialize(error)),
    '{"message":"boom","name":"Error","stack":"Error: boom\\n    at step (pipeline.ts:3:9)"}',
  );
});

test("an error round-trips with its class, message and original stack", () => {
  const original = new RangeError("lr out of range");
  const back = roundTrip(original);
  assert.ok(back instanceof RangeError);
  assert.equal(back.name, "RangeError");
  assert.equal(back.message, "lr out of range");
  assert.equal(back.stack, original.stack);
});

test("a custom error keeps its name and its own properties", () => {
  class ValidationError extends Error {
    override name = "ValidationError";
    constructor(
      message: string,
      readonly field: string,
      readonly limits: Map<string, number>,
    ) {
      super(message);
    }
  }
  const back = roundTrip(new ValidationError("bad", "lr", new Map([["max", 1]]))) as Error & {
    field: string;
    limits: Map<string, number>;
  };
  assert.ok(back instanceof Error);
  assert.equal(back.name, "ValidationError");
  assert.equal(back.field, "lr");
  assert.deepEqual(back.limits, new Map([["max", 1]]));
});

test("causes round-trip recursively: errors as errors, data as data, the rest as text", () => {
  const root = new TypeError("bad row", { cause: { row: 3, at: new Date(0) } });
  const back = roundTrip(
    new Error("load failed", { cause: new Error("parse failed", { cause: root }) }),
  );
  const parse = back.cause as Error;
  assert.equal(parse.message, "parse failed");
  const bad = parse.cause as Error;
  assert.ok(bad instanceof TypeError);
  assert.deepEqual(bad.cause, { row: 3, at: new Date(0) });
  assert.equal(Object.keys(back).includes("cause"), false);
  const withFunction = roundTrip(new Error("x", { cause: function helper() {} }));
  assert.match(withFunction.cause as string, /^function: function helper\(\) \{ ?\}$/);
});

test("a circular cause chain is cut, not followed forever", () => {
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  (a as { cause?: unknown }).cause = b;
  const back = roundTrip(a);
  assert.equal((back.cause as Error).message, "b");
  assert.equal((back.cause as Error).cause, "circular cause: Error again");
});

test("an AggregateError keeps its errors", () => {
  const back = roundTrip(
    new AggregateError([new Error("one"), new TypeError("two")], "both failed"),
  );
  assert.ok(back instanceof AggregateError);
  assert.deepEqual(
    back.errors.map((e: Error) => `${e.name}: ${e.message}`),
    ["Error: one", "TypeError: two"],
  );
});

test("Node system errors keep their code", () => {
  const error = Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT", errno: -2 });
  const back = roundTrip(error) as Error & { code: string; errno: number };
  assert.equal(back.code, "ENOENT");
  assert.equal(back.errno, -2);
});

test("the summary has name, message, stack and the chain of causes", () => {
  const error = new Error("load failed", { cause: new TypeError("bad row", { cause: 42 }) });
  error.stack = "Error: load failed\n    at load";
  assert.deepEqual(errorType.summarize(error, new Uint8Array()), {
    name: "Error",
    message: "load failed",
    stack: "Error: load failed\n    at load",
    causes: [{ name: "TypeError", message: "bad row" }, { text: "42" }],
  });
});
