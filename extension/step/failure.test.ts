import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { IRunError } from "./api";
import { wireFixture } from "../testing/wire-fixture";
import { failureView } from "./failure";

const base: IRunError = wireFixture("ErrorInfo", {
  name: "WorkerFailedError",
  message: "the step train used 912 MiB, past the 700 MiB it asked for",
  stepName: "train",
  path: ["pipeline", "train"],
  runId: "5e6f708192a3b4c5",
});

describe("failureView", () => {
  it("names an out-of-memory failure's class, what to do, and memory asked vs used", () => {
    const view = failureView({
      ...base,
      failure: {
        kind: "out-of-memory",
        message: "the step train used 912 MiB, past the 700 MiB it asked for",
        hint: "raise memoryMiB above 912",
        signal: "SIGKILL",
        memory: { askedMiB: 700, usedMiB: 912 },
      },
    } as IRunError);
    assert.deepEqual(view, {
      kind: "out-of-memory",
      title: "Out of memory",
      message: "the step train used 912 MiB, past the 700 MiB it asked for",
      hint: "raise memoryMiB above 912",
      facts: [
        ["signal", "SIGKILL"],
        ["memory", "asked 700 MiB, used 912 MiB at peak"],
      ],
    });
  });

  it("gives the exit code of a worker that exited, and keeps a class it does not know by name", () => {
    const exited = failureView({
      ...base,
      failure: {
        kind: "exit-code",
        message: "the worker exited with code 3",
        hint: "see the step's log",
        exitCode: 3,
      },
    } as IRunError);
    assert.equal(exited?.title, "Worker exited with an error");
    assert.deepEqual(exited?.facts, [["exit code", "3"]]);
    // A failure class from a newer server than this extension: off this contract on purpose.
    const future = failureView({
      ...base,
      failure: { kind: "spot-reclaimed", message: "m", hint: "h" },
    } as unknown as IRunError);
    assert.equal(future?.title, "spot-reclaimed");
  });

  it("is null for a step's own error, and for a failure that is not the contract's shape", () => {
    assert.equal(failureView(base), null);
    assert.equal(failureView(null), null);
    assert.equal(failureView({ ...base, failure: "oom" } as unknown as IRunError), null);
    assert.equal(failureView({ ...base, failure: { message: "m" } } as unknown as IRunError), null);
  });
});
