import assert from "node:assert/strict";
import { test } from "node:test";

import { RunSnapshots } from "./snapshots";

test("a step of a snapshot-only view finds the latest bundle of its root while an output shows it", () => {
  const snapshots = new RunSnapshots();
  const first = snapshots.set({ version: 1, rootId: "r", state: "running" });
  const second = snapshots.set({ version: 1, rootId: "r", state: "running" });
  second.update({ version: 1, rootId: "r", state: "resolved" });
  assert.equal(snapshots.get("r")?.state, "resolved");
  second.dispose();
  assert.equal(snapshots.get("r")?.state, "running");
  first.dispose();
  first.dispose();
  assert.equal(snapshots.get("r"), undefined);
});
