import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { classifyExit, type ExitFacts, LOG_TAIL_BYTES, readLogTail } from "./classify";

const facts = (over: Partial<ExitFacts>): ExitFacts => ({
  exitCode: 0,
  signal: null,
  askedMiB: 0,
  peakMiB: 40,
  logTail: "",
  logFile: "/data/jobs/j.log",
  ...over,
});

describe("exit classification", () => {
  it("reports no failure for a clean exit 0", () => {
    assert.equal(classifyExit(facts({})), undefined);
  });

  it("names what the executor did before how the process ended", () => {
    const canceled = classifyExit(facts({ exitCode: 1, cause: { kind: "canceled" } }));
    assert.equal(canceled?.kind, "canceled", "a worker that exits 1 on TERM was still canceled");
    const timeout = classifyExit(
      facts({ exitCode: 0, cause: { kind: "timeout", timeoutMs: 150_000 } }),
    );
    assert.equal(timeout?.kind, "timeout");
    assert.equal(timeout.timeoutMs, 150_000);
    assert.match(timeout.message, /wall-clock limit of 2\.5 min/);
    const oom = classifyExit(
      facts({
        exitCode: null,
        signal: "SIGKILL",
        askedMiB: 700,
        peakMiB: 912,
        cause: { kind: "out-of-memory" },
      }),
    );
    assert.deepEqual(oom, {
      kind: "out-of-memory",
      message:
        "the job's processes used 912 MiB, more than the 700 MiB it asked for, and were killed",
      hint: "raise the step's resources.memoryMiB above 912 (peak used), or keep less in memory at once",
      memory: { askedMiB: 700, usedMiB: 912 },
      signal: "SIGKILL",
    });
  });

  it("classifies a Node heap abort in the log as out-of-memory, but not after exit 0", () => {
    const tail =
      "<--- JS stacktrace --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n";
    const abort = classifyExit(
      facts({ exitCode: null, signal: "SIGABRT", logTail: tail, askedMiB: 500, peakMiB: 80 }),
    );
    assert.equal(abort?.kind, "out-of-memory");
    assert.deepEqual(abort.memory, { askedMiB: 500, usedMiB: 80 });
    assert.match(abort.hint, /--max-old-space-size/);
    assert.equal(
      classifyExit(facts({ logTail: tail })),
      undefined,
      "a step that printed the phrase and exited 0",
    );
  });

  it("classifies a non-zero exit as exit-code, quoting the log's last line", () => {
    const failure = classifyExit(
      facts({ exitCode: 3, logTail: "loading\nError: no such table\n\n" }),
    );
    assert.equal(failure?.kind, "exit-code");
    assert.equal(failure.exitCode, 3);
    assert.equal(
      failure.message,
      "the job's process exited with code 3; its log ends: Error: no such table",
    );
    assert.match(failure.hint, /see the job's log: \/data\/jobs\/j\.log/);
  });

  it("classifies a signal nobody here sent as signal, suspecting the kernel for SIGKILL", () => {
    const killed = classifyExit(facts({ exitCode: null, signal: "SIGKILL" }));
    assert.equal(killed?.kind, "signal");
    assert.equal(killed.signal, "SIGKILL");
    assert.match(
      killed.message,
      /killed by SIGKILL, which the executor did not send \(the kernel's out-of-memory killer/,
    );
    assert.equal(classifyExit(facts({ exitCode: null, signal: "SIGSEGV" }))?.kind, "signal");
  });

  it("reads at most the last 1 MiB of a log", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsematic-log-tail-"));
    try {
      const file = join(dir, "job.log");
      writeFileSync(file, "a".repeat(LOG_TAIL_BYTES) + "the end\n");
      const tail = readLogTail(file);
      assert.equal(tail.length, LOG_TAIL_BYTES);
      assert.ok(tail.endsWith("the end\n"));
      assert.equal(readLogTail(join(dir, "missing.log")), "");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
