import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Admission, fitsWithin, invalidAxis, normalizeResources } from "./admission";

describe("admission", () => {
  it("counts an unset cpus as 1 and unset memoryMiB and gpus as 0", () => {
    assert.deepEqual(normalizeResources({}), { cpus: 1, memoryMiB: 0, gpus: 0 });
    assert.deepEqual(normalizeResources({ cpus: 0, memoryMiB: 5 }), {
      cpus: 0,
      memoryMiB: 5,
      gpus: 0,
    });
  });

  it("starts jobs in the order they were queued while they fit", () => {
    const admission = new Admission({ cpus: 4, memoryMiB: 1000, gpus: 1 });
    admission.enqueue("a", { cpus: 2 });
    admission.enqueue("b", { cpus: 1, gpus: 1 });
    admission.enqueue("c", { cpus: 1, memoryMiB: 1000 });
    admission.enqueue("d", {});
    assert.deepEqual(admission.admit(), ["a", "b", "c"]);
    assert.deepEqual(admission.usage(), {
      inUse: { cpus: 4, memoryMiB: 1000, gpus: 1 },
      queued: 1,
      running: 3,
    });
    admission.release("b");
    assert.deepEqual(admission.admit(), ["d"]);
  });

  it("does not start a small job past a bigger one queued ahead of it (strict FIFO)", () => {
    const admission = new Admission({ cpus: 2, memoryMiB: 0, gpus: 0 });
    admission.enqueue("running", { cpus: 1 });
    admission.enqueue("big", { cpus: 2 });
    admission.enqueue("small", { cpus: 1 });
    assert.deepEqual(admission.admit(), ["running"]);
    assert.deepEqual(admission.queuedIds(), ["big", "small"], "small waits although a cpu is free");
    admission.release("running");
    assert.deepEqual(admission.admit(), ["big"]);
    admission.release("big");
    assert.deepEqual(admission.admit(), ["small"]);
  });

  it("releases a job's resources once, and drops a queued job on request", () => {
    const admission = new Admission({ cpus: 1, memoryMiB: 0, gpus: 0 });
    admission.enqueue("a", {});
    admission.enqueue("b", {});
    admission.enqueue("c", {});
    assert.deepEqual(admission.admit(), ["a"]);
    assert.equal(admission.dequeue("b"), true);
    assert.equal(admission.dequeue("a"), false, "a running job is not dequeued");
    admission.release("a");
    admission.release("a");
    assert.deepEqual(admission.usage().inUse, { cpus: 0, memoryMiB: 0, gpus: 0 });
    assert.deepEqual(admission.admit(), ["c"]);
  });

  it("names the axis of a request that is not a number ≥ 0", () => {
    assert.equal(invalidAxis({ cpus: 1, memoryMiB: 0 }), undefined);
    assert.equal(
      invalidAxis({ memoryMiB: -5 }),
      "resources.memoryMiB must be a number ≥ 0 (got -5)",
    );
    assert.equal(
      invalidAxis({ gpus: Number.NaN }),
      "resources.gpus must be a number ≥ 0 (got null)",
    );
    assert.equal(
      fitsWithin({ cpus: 3, memoryMiB: 0, gpus: 0 }, { cpus: 2, memoryMiB: 9, gpus: 9 }),
      false,
    );
  });
});
