import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { type IOutputList, parseRunBundle, RUN_VIEW_MIME_TYPE, runBundleIn } from "./bundle";

const outputs = (...data: Record<string, unknown>[]): IOutputList => ({
  length: data.length,
  get: (index) => (data[index] ? { data: data[index] } : undefined),
});

const bundle = (rootId: string, extra: Record<string, unknown> = {}) => ({
  [RUN_VIEW_MIME_TYPE]: { version: 1, rootId, ...extra },
  "text/plain": `tsematic ▸ run ${rootId}`,
});

describe("runBundleIn", () => {
  it("finds the root run of the last run bundle among a cell's outputs", () => {
    const found = runBundleIn(
      outputs(
        bundle("r-old", { final: true }),
        { "text/plain": "log" },
        bundle("r-new", { serverUrl: "http://127.0.0.1:8765", state: "running", final: false }),
        { "text/plain": "more logs" },
      ),
    );
    assert.deepEqual(found, {
      rootId: "r-new",
      serverUrl: "http://127.0.0.1:8765",
      state: "running",
      final: false,
    });
  });

  it("is null for a cell without a run bundle, or without outputs", () => {
    assert.equal(runBundleIn(outputs({ "text/plain": "2" })), null);
    assert.equal(runBundleIn(outputs()), null);
    assert.equal(runBundleIn(null), null);
  });
});

describe("parseRunBundle", () => {
  it("reads version 1 bundles only, and only with a root run id", () => {
    assert.equal(parseRunBundle({ version: 2, rootId: "r-1" }), null);
    assert.equal(parseRunBundle({ version: 1, rootId: "" }), null);
    assert.equal(parseRunBundle({ version: 1 }), null);
    assert.equal(parseRunBundle("r-1"), null);
    assert.equal(parseRunBundle([{ version: 1, rootId: "r-1" }]), null);
  });

  it("treats a missing serverUrl, state or final as untracked, unknown and not final", () => {
    assert.deepEqual(parseRunBundle({ version: 1, rootId: "r-1", serverUrl: "" }), {
      rootId: "r-1",
      serverUrl: null,
      state: null,
      final: false,
    });
  });
});
