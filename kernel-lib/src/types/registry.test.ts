import assert from "node:assert/strict";
import { test } from "node:test";
import { tableFromArrays } from "apache-arrow";
import { contentId } from "../hash";
import type { ArtifactType } from "./artifact";
import { BUILTIN_TYPES } from "./builtin";
import { image, markdown, plot } from "./index";
import { defaultRegistry, TypeRegistry, UnserializableValueError } from "./registry";

const PNG = new Uint8Array(
  Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex"),
);

test("each built-in kind of value goes to its type", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  const cases: [unknown, string][] = [
    [tableFromArrays({ x: [1] }), "arrow.table"],
    [plot({ mark: "bar" }), "plot.vega-lite"],
    [image(PNG, "image/png"), "image.png"],
    [markdown("# x"), "markdown"],
    [new Uint8Array(1), "binary"],
    [Buffer.from("x"), "binary"],
    [new TypeError("x"), "error"],
    [{ a: 1 }, "json"],
    [new Float64Array(1), "json"],
    [undefined, "json"],
    ["text", "json"],
  ];
  for (const [value, name] of cases) assert.equal(registry.typeOf(value).name, name);
});

const vectorType = (name = "example.vec"): ArtifactType<{ xs: number[] }> => ({
  name,
  mediaType: "application/json",
  matches: (v): v is { xs: number[] } => typeof v === "object" && v !== null && "xs" in v,
  serialize: (v) => new TextEncoder().encode(JSON.stringify(v.xs)),
  deserialize: (b) => ({ xs: JSON.parse(new TextDecoder().decode(b)) as number[] }),
  summarize: (v) => ({ length: v.xs.length }),
});

test("a registered type takes precedence over the built-in ones and round-trips", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  registry.register(vectorType());
  const artifact = registry.toArtifact({ xs: [1, 2] });
  assert.equal(artifact.typeName, "example.vec");
  assert.deepEqual(artifact.summary, { length: 2 });
  assert.equal(artifact.id, contentId("example.vec", new TextEncoder().encode("[1,2]")));
  assert.deepEqual(registry.fromBytes("example.vec", artifact.bytes), { xs: [1, 2] });
});

test("registering a type again under the same name replaces it (a re-run notebook cell)", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  registry.register(vectorType());
  registry.register({ ...vectorType(), summarize: () => ({ version: 2 }) });
  assert.deepEqual(registry.toArtifact({ xs: [] }).summary, { version: 2 });
});

test("a summary that throws does not lose the artifact", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  registry.register({
    ...vectorType(),
    summarize: () => {
      throw new Error("oops");
    },
  });
  const artifact = registry.toArtifact({ xs: [1] });
  assert.deepEqual(artifact.summary, {
    summaryError: 'type "example.vec" could not summarize it: oops',
  });
  assert.equal(artifact.size, 3);
});

test("a type that refuses a value is reported with the type's reason", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  registry.register({
    ...vectorType(),
    serialize: () => {
      throw new Error("empty vectors are not allowed");
    },
  });
  assert.throws(
    () => registry.toArtifact({ xs: [] }),
    (err: unknown) =>
      err instanceof UnserializableValueError &&
      err.message ===
        'cannot serialize a value of type Object: type "example.vec" refused it: empty vectors are not allowed',
  );
});

test("a nested unserializable value is reported with its path through toArtifact", () => {
  assert.throws(
    () => new TypeRegistry(BUILTIN_TYPES).toArtifact({ config: { fn: () => 1 } }),
    (err: unknown) =>
      err instanceof UnserializableValueError &&
      err.path === "$.config.fn" &&
      err.valueType === "function" &&
      err.message.startsWith(
        "cannot serialize a value of type function at $.config.fn: function fn is code",
      ),
  );
});

test("UnserializableValueError is recognised across copies of the library", () => {
  const fromOtherCopy = Object.defineProperty(
    new Error("x"),
    Symbol.for("tsematic.UnserializableValueError"),
    {
      value: true,
    },
  );
  assert.ok(fromOtherCopy instanceof UnserializableValueError);
  assert.equal(new Error("x") instanceof UnserializableValueError, false);
});

test("reading an artifact of an unknown type says to register it", () => {
  assert.throws(
    () => new TypeRegistry(BUILTIN_TYPES).fromBytes("nope.type", new Uint8Array()),
    /unknown artifact type "nope.type": register it with registerType\(\) before reading this artifact/,
  );
});

test("the default registry is one per process, kept on globalThis", () => {
  assert.equal(defaultRegistry(), defaultRegistry());
  assert.equal(
    (globalThis as Record<symbol, unknown>)[Symbol.for("tsematic.typeRegistry.v1")],
    defaultRegistry(),
  );
});

class S3Location {
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {}
}

const s3Type: ArtifactType<S3Location> = {
  name: "example.s3-location",
  mediaType: "application/json",
  matches: (v): v is S3Location => v instanceof S3Location,
  serialize: (v) => new TextEncoder().encode(JSON.stringify([v.bucket, v.key])),
  deserialize: (b) => {
    const [bucket, key] = JSON.parse(new TextDecoder().decode(b)) as [string, string];
    return new S3Location(bucket, key);
  },
  summarize: (v) => ({ bucket: v.bucket, key: v.key }),
};

test("a registered type is found at any depth of an array or object and comes back as its class", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  registry.register(s3Type);
  const value = [3, [new S3Location("b", "data.csv")], { where: new S3Location("c", "x") }];
  const artifact = registry.toArtifact(value);
  // Composite: each location is a part of its own type, referenced by the skeleton.
  assert.equal(artifact.typeName, "composite");
  const back = registry.fromBytes("composite", artifact.bytes) as [
    number,
    S3Location[],
    { where: S3Location },
  ];
  assert.deepEqual(back, value);
  assert.ok(back[1][0] instanceof S3Location);
  assert.ok(back[2].where instanceof S3Location);
  // Canonical: the same value gives the same artifact.
  assert.equal(
    registry.toArtifact([3, [new S3Location("b", "data.csv")], { where: new S3Location("c", "x") }])
      .id,
    artifact.id,
  );
});

test("a built-in type's value nested in data is stored by that type", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  const artifact = registry.toArtifact({ table: tableFromArrays({ x: [1, 2] }) });
  assert.equal(artifact.typeName, "composite");
  const back = registry.fromBytes("composite", artifact.bytes) as { table: { numRows: number } };
  assert.equal(back.table.numRows, 2);
});

test("reading data that holds an unregistered type says to register it", () => {
  const writer = new TypeRegistry(BUILTIN_TYPES);
  writer.register(s3Type);
  const { bytes } = writer.toArtifact([new S3Location("b", "k")]);
  const reader = new TypeRegistry(BUILTIN_TYPES);
  assert.throws(
    () => reader.fromBytes("composite", bytes),
    /unknown artifact type "example.s3-location": register it with registerType\(\)/,
  );
});

test("a registered type nested in a step's output crosses the step boundary", async () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  registry.register(s3Type);
  const { func } = await import("../step");
  const locate = func(function locate(): [number, S3Location[]] {
    return [3, [new S3Location("b", "k")]];
  });
  const { graph } = await locate().run({ tracking: false, registry });
  const stored = graph.value(graph.root!.output!, registry) as [number, S3Location[]];
  assert.ok(stored[1][0] instanceof S3Location);
});
