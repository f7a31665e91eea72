import assert from "node:assert/strict";
import { test } from "node:test";
import { func, runContext, TsematicError } from "./index";

test("runContext() outside a step says where to call it", () => {
  assert.throws(
    () => runContext(),
    (e: unknown) =>
      e instanceof TsematicError &&
      /inside a function wrapped with func\(\)/.test((e as Error).message),
  );
});

test("runContext() inside a step names the run, its root and its step", async () => {
  const who = func(function who() {
    const c = runContext();
    return {
      step: c.stepName,
      attempt: c.attempt,
      signal: c.signal.aborted,
      run: c.runId,
      root: c.rootId,
    };
  });
  const { value, rootId } = await who().run({ tracking: false });
  assert.equal(value.step, "who");
  assert.equal(value.attempt, 1);
  assert.equal(value.signal, false);
  assert.equal(value.root, rootId);
  assert.match(value.run, /^[0-9a-f]{32}$/);
});

test("a second copy of the library (a notebook cell re-importing it) shares the current run", async () => {
  const indexPath = require.resolve("./index");
  const libDir = indexPath.slice(0, indexPath.lastIndexOf("/"));
  const saved = new Map<string, NodeJS.Module>();
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(libDir)) {
      saved.set(key, require.cache[key]!);
      delete require.cache[key];
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const copy = require("./index") as typeof import("./index");
  for (const [key, mod] of saved) require.cache[key] = mod;
  assert.notEqual(copy.func, func);
  const inner = copy.func(function inner() {
    return 1;
  });
  const outer = func(async function outer() {
    return (await inner()) + 1;
  });
  const { value, graph } = await outer().run({ tracking: false });
  assert.equal(value, 2);
  assert.equal(graph.byStep("inner")[0]!.parentId, graph.root!.id);
  const failing = copy.func(function failing() {
    throw new Error("x");
  });
  // Errors of the other copy are still recognised by instanceof.
  const error = await failing()
    .resolve({ tracking: false })
    .catch((e: unknown) => e);
  const { StepFailedError } = await import("./index");
  assert.ok(error instanceof StepFailedError);
});
