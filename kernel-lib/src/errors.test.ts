import assert from "node:assert/strict";
import { test } from "node:test";
import {
  RunCanceledError,
  StepDefinitionError,
  StepFailedError,
  StepTimeoutError,
  TsematicError,
} from "./errors";

test("instanceof distinguishes sibling error classes", () => {
  const timeout = new StepTimeoutError("s", 5);
  assert.ok(timeout instanceof StepTimeoutError);
  assert.ok(timeout instanceof TsematicError);
  assert.ok(timeout instanceof Error);
  assert.ok(!(timeout instanceof RunCanceledError));
  assert.ok(!(timeout instanceof StepFailedError));
});

test("a subclass without code of its own is not matched by its siblings (regression)", () => {
  class Refused extends TsematicError {}
  class Unavailable extends TsematicError {}
  const refused = new Refused("no");
  assert.ok(refused instanceof Refused);
  assert.ok(!(refused instanceof Unavailable));
  assert.ok(refused instanceof TsematicError);
  assert.equal(refused.name, "Refused");
});

test("plain errors and other values are not Tsematic errors", () => {
  assert.ok(!(new Error("x") instanceof TsematicError));
  assert.ok(!((null as unknown as object) instanceof StepDefinitionError));
  assert.ok(!({ message: "x" } instanceof TsematicError));
});
