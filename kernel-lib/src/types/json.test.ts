import assert from "node:assert/strict";
import { test } from "node:test";
import { contentId } from "../hash";
import { brand, hasBrand } from "./brand";
import { decodeCanonical, encodeCanonical, encodeCanonicalPlain, jsonType } from "./json";
import { UnserializableValueError } from "./unserializable";

const text = (value: unknown): string => new TextDecoder().decode(jsonType.serialize(value));
const roundTrip = (value: unknown): unknown => jsonType.deserialize(jsonType.serialize(value));
const idOf = (value: unknown): string => contentId(jsonType.name, jsonType.serialize(value));

/** Asserts that serializing `value` fails naming `path` and `valueType`, and returns the message. */
function rejection(value: unknown, path: string, valueType: string): string {
  try {
    jsonType.serialize(value);
  } catch (err) {
    assert.ok(err instanceof UnserializableValueError, `not an UnserializableValueError: ${err}`);
    assert.equal(err.path, path);
    assert.equal(err.valueType, valueType);
    return err.message;
  }
  assert.fail("serialize accepted the value");
}

test("object key order does not change the bytes or the id", () => {
  const a = { b: 1, a: { y: [1, 2], x: "s" } };
  const b = { a: { x: "s", y: [1, 2] }, b: 1 };
  assert.equal(text(a), '{"a":{"x":"s","y":[1,2]},"b":1}');
  assert.equal(idOf(a), idOf(b));
});

test("different values have different ids", () => {
  assert.notEqual(idOf({ a: 1 }), idOf({ a: 2 }));
  assert.notEqual(idOf([1, 2]), idOf([2, 1]));
  assert.notEqual(idOf("1"), idOf(1));
});

test("plain JSON values are written as plain JSON", () => {
  assert.equal(
    text({ s: "é\n", n: 1.5, t: true, z: null, e: [] }),
    '{"e":[],"n":1.5,"s":"é\\n","t":true,"z":null}',
  );
  assert.equal(text(-12e-7), "-0.0000012");
});

test("special numbers, bigint and undefined round-trip through tags", () => {
  assert.equal(
    text([NaN, Infinity, -Infinity, -0, 10n, undefined]),
    '[{"$t":"number","v":"NaN"},{"$t":"number","v":"Infinity"},{"$t":"number","v":"-Infinity"},' +
      '{"$t":"number","v":"-0"},{"$t":"bigint","v":"10"},{"$t":"undefined"}]',
  );
  const back = roundTrip([NaN, Infinity, -Infinity, -0, 10n, undefined, 0]) as unknown[];
  assert.ok(Number.isNaN(back[0]));
  assert.equal(back[1], Infinity);
  assert.equal(back[2], -Infinity);
  assert.ok(Object.is(back[3], -0));
  assert.equal(back[4], 10n);
  assert.equal(back[5], undefined);
  assert.equal(back.length, 7);
  assert.ok(Object.is(back[6], 0));
  assert.equal(roundTrip(undefined), undefined);
});

test("an undefined property is kept, so the value round-trips with the same keys", () => {
  const back = roundTrip({ a: undefined, b: 1 }) as Record<string, unknown>;
  assert.deepEqual(Object.keys(back), ["a", "b"]);
  assert.equal(back.a, undefined);
});

test("dates round-trip, including invalid dates", () => {
  const d = new Date("2024-01-02T03:04:05.006Z");
  assert.equal(text(d), '{"$t":"Date","v":"2024-01-02T03:04:05.006Z"}');
  assert.deepEqual(roundTrip({ d }), { d });
  const invalid = roundTrip(new Date(NaN)) as Date;
  assert.ok(invalid instanceof Date && Number.isNaN(invalid.getTime()));
});

test("maps and sets are canonical: insertion order does not matter", () => {
  const m1 = new Map<unknown, unknown>([
    ["b", 2],
    ["a", 1],
    [3, { z: 1 }],
  ]);
  const m2 = new Map<unknown, unknown>([
    [3, { z: 1 }],
    ["a", 1],
    ["b", 2],
  ]);
  assert.equal(text(m1), '{"$t":"Map","v":[["a",1],["b",2],[3,{"z":1}]]}');
  assert.equal(idOf(m1), idOf(m2));
  assert.equal(idOf(new Set([3, 1, 2])), idOf(new Set([1, 2, 3])));
  assert.equal(text(new Set(["b", "a"])), '{"$t":"Set","v":["a","b"]}');
});

test("maps with object keys and sets of objects round-trip", () => {
  const key = { id: 1 };
  const back = roundTrip(new Map([[key, new Set([{ a: 1 }])]])) as Map<unknown, unknown>;
  assert.deepEqual([...back.entries()], [[{ id: 1 }, new Set([{ a: 1 }])]]);
});

test("typed arrays round-trip with their element type", () => {
  const f64 = new Float64Array([1.5, -2, NaN]);
  assert.equal(text(new Int32Array([1, -1])), '{"$t":"Int32Array","v":"AQAAAP////8="}');
  const back = roundTrip({ f64, f32: new Float32Array([0.5]), u16: new Uint16Array([7]) }) as {
    f64: Float64Array;
    f32: Float32Array;
    u16: Uint16Array;
  };
  assert.ok(back.f64 instanceof Float64Array);
  assert.deepEqual([...back.f64], [1.5, -2, NaN]);
  assert.ok(back.f32 instanceof Float32Array && back.f32[0] === 0.5);
  assert.ok(back.u16 instanceof Uint16Array && back.u16[0] === 7);
  const i64 = roundTrip(new BigInt64Array([-3n])) as BigInt64Array;
  assert.equal(i64[0], -3n);
});

test("a typed array view writes only its own elements", () => {
  const whole = new Float64Array([1, 2, 3, 4]);
  const back = roundTrip(whole.subarray(1, 3)) as Float64Array;
  assert.deepEqual([...back], [2, 3]);
  assert.equal(back.buffer.byteLength, 16);
});

test("nested Uint8Arrays and Buffers come back as Uint8Arrays", () => {
  const back = roundTrip({ a: new Uint8Array([1, 2]), b: Buffer.from([3]) }) as Record<
    string,
    unknown
  >;
  assert.deepEqual(back, { a: new Uint8Array([1, 2]), b: new Uint8Array([3]) });
});

test("an object that has a $t key stays data", () => {
  const value = { $t: "Date", v: "not a date", n: { $t: "undefined" } };
  assert.equal(text(value).startsWith('{"$t":"object","v":'), true);
  assert.deepEqual(roundTrip(value), value);
});

test("objects without a prototype and __proto__ keys round-trip as data", () => {
  const bare = Object.create(null) as Record<string, unknown>;
  bare.x = 1;
  assert.deepEqual(roundTrip(bare), { x: 1 });
  const withProto = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as object;
  const back = roundTrip(withProto) as Record<string, unknown>;
  assert.deepEqual(Object.keys(back), ["__proto__", "a"]);
  assert.equal(Object.getPrototypeOf(back), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("shared references are written at each place and are not mistaken for cycles", () => {
  const shared = { k: 1 };
  assert.deepEqual(roundTrip({ a: shared, b: [shared, shared] }), {
    a: { k: 1 },
    b: [{ k: 1 }, { k: 1 }],
  });
});

test("branded helper values nested in data keep their brand", () => {
  const branded = brand({ text: "# hi" }, "tsematic.markdown");
  assert.equal(
    text({ note: branded }),
    '{"note":{"$t":"brand","b":"tsematic.markdown","v":{"text":"# hi"}}}',
  );
  const back = roundTrip({ note: branded }) as { note: object };
  assert.ok(hasBrand(back.note, "tsematic.markdown"));
  assert.deepEqual(back.note, { text: "# hi" });
});

test("a function is rejected with its path and name", () => {
  const message = rejection({ config: { fn: function scale() {} } }, "$.config.fn", "function");
  assert.equal(
    message,
    "cannot serialize a value of type function at $.config.fn: function scale is code, not data; " +
      "store what it computes instead, or register an artifact type with registerType()",
  );
});

test("the reason names where the value is, for the runner's step-level message", () => {
  try {
    jsonType.serialize({ list: [1, Symbol("s")] });
    assert.fail("accepted");
  } catch (err) {
    assert.ok(err instanceof UnserializableValueError);
    assert.equal(
      err.reason,
      "symbol at $.list[1]: Symbol(s) is an identity local to this process and cannot be stored",
    );
  }
});

test("a Promise or thenable is rejected with advice to await it", () => {
  const message = rejection({ data: Promise.resolve(1) }, "$.data", "Promise");
  assert.match(message, /await it/);
  rejection([{ then: () => undefined }], "$[0]", "Object");
});

test("WeakMap and WeakSet are rejected because they cannot be enumerated", () => {
  assert.match(rejection({ w: new WeakMap() }, "$.w", "WeakMap"), /cannot be enumerated/);
  rejection(new WeakSet(), "$", "WeakSet");
});

test("class instances are rejected with advice to convert or register a type", () => {
  class Model {
    weights = [1];
  }
  const message = rejection({ models: [new Model()] }, "$.models[0]", "Model");
  assert.match(message, /not class instances/);
  assert.match(message, /register an artifact type for Model with registerType\(\)/);
  rejection({ "odd key": new (class Other {})() }, '$["odd key"]', "Other");
});

test("circular references are rejected naming both places", () => {
  const a: Record<string, unknown> = { b: { c: {} } };
  (a.b as { c: Record<string, unknown> }).c.back = a.b;
  const message = rejection(a, "$.b.c.back", "Object");
  assert.match(message, /circular reference: it contains itself \(it is \$\.b again\)/);
});

test("values inside maps and sets are located in the path", () => {
  rejection(new Map([["k", () => 1]]), '$.get("k")', "function");
  rejection(new Set([1, Symbol.iterator]), "$.values()[1]", "symbol");
});

test("enumerable symbol-keyed properties are rejected rather than silently dropped", () => {
  assert.match(rejection({ x: { [Symbol("tag")]: 1 } }, "$.x", "Object"), /Symbol\(tag\)/);
});

test("an Error nested in data is rejected with advice", () => {
  assert.match(
    rejection({ err: new TypeError("x") }, "$.err", "TypeError"),
    /store \{ name, message \}/,
  );
});

test("plain mode writes ordinary JSON and drops undefined properties", () => {
  assert.equal(
    encodeCanonicalPlain({ b: undefined, a: [1, { $t: 2 }], z: -0 }, "a spec"),
    '{"a":[1,{"$t":2}],"z":0}',
  );
  assert.throws(
    () => encodeCanonicalPlain({ data: { values: [{ when: new Date(0) }] } }, "a Vega-Lite spec"),
    (err: unknown) =>
      err instanceof UnserializableValueError &&
      err.path === "$.data.values[0].when" &&
      /a Vega-Lite spec must be plain JSON; convert the Date to a string with toISOString\(\)/.test(
        err.message,
      ),
  );
  assert.throws(() => encodeCanonicalPlain([undefined], "a spec"), /at \$\[0\].*use null/);
  assert.throws(
    () => encodeCanonicalPlain({ x: NaN }, "a spec"),
    /at \$\.x: .*NaN is not a JSON number/,
  );
});

test("decoding rejects unknown tags clearly", () => {
  assert.throws(() => decodeCanonical('{"$t":"Quaternion","v":1}'), /unknown tag "Quaternion"/);
});

test("encodeCanonical and decodeCanonical are inverse on nested mixed values", () => {
  const value = {
    when: new Date(0),
    counts: new Map([["a", 1n]]),
    tags: new Set(["x"]),
    vec: new Float32Array([1, 2]),
    raw: new Uint8Array([255]).buffer,
    nested: [[undefined, { deep: [NaN] }]],
  };
  assert.deepEqual(decodeCanonical(encodeCanonical(value)), value);
});

test("the summary gives kind, a canonical preview and the key count", () => {
  assert.deepEqual(jsonType.summarize({ lr: 0.1, layers: [64, 32] }, new Uint8Array()), {
    kind: "object",
    preview: "{layers: [64, 32], lr: 0.1}",
    truncated: false,
    keyCount: 2,
    keys: ["layers", "lr"],
  });
  assert.deepEqual(jsonType.summarize([1, "a", null, undefined, 2n], new Uint8Array()), {
    kind: "array",
    preview: '[1, "a", null, undefined, 2n]',
    truncated: false,
    length: 5,
  });
  assert.deepEqual(
    jsonType.summarize(
      new Map<string, unknown>([
        ["b", 1],
        ["a", new Date(0)],
      ]),
      new Uint8Array(),
    ),
    {
      kind: "map",
      preview: 'Map(2) {"a" => 1970-01-01T00:00:00.000Z, "b" => 1}',
      truncated: false,
      size: 2,
    },
  );
  assert.deepEqual(jsonType.summarize(new Float64Array([1, 2]), new Uint8Array()), {
    kind: "typed-array",
    preview: "Float64Array(2) [1, 2]",
    truncated: false,
    length: 2,
    dtype: "Float64Array",
  });
  assert.deepEqual(jsonType.summarize(3, new Uint8Array()), {
    kind: "number",
    preview: "3",
    truncated: false,
  });
});

test("the summary preview of a large value is cut at 200 characters", () => {
  const big = Array.from({ length: 1000 }, (_, i) => i);
  const summary = jsonType.summarize(big, new Uint8Array());
  assert.equal(summary.truncated, true);
  assert.equal(summary.length, 1000);
  assert.equal((summary.preview as string).length, 201);
  assert.ok((summary.preview as string).startsWith("[0, 1, 2, 3"));
  assert.ok((summary.preview as string).endsWith("…"));
});
