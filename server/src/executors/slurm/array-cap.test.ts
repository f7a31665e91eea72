import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { arrayCap } from "./executor";

describe("a job array's concurrency cap", () => {
  it("is the pipeline's maxParallelism, bounded by the site's --slurm-array-parallelism", () => {
    assert.equal(arrayCap(10, 3), 3);
    assert.equal(arrayCap(4, 20), 4, "the site's bound wins over a larger pipeline cap");
    assert.equal(arrayCap(undefined, 3), 3);
    assert.equal(arrayCap(5, undefined), 5);
    assert.equal(arrayCap(undefined, undefined), undefined, "no cap: Slurm runs what fits");
  });
});
