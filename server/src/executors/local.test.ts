import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalExecutor, type LocalExecutorOptions } from "./local";
import type { JobStatus, LaunchRequest, ResourceRequest } from "./types";

// Real processes on a loaded machine: generous limits, and no assertion on how long anything took.
const TEST_TIMEOUT_MS = 180_000;
const WAIT_MS = 120_000;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "tsematic-local-executor-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let jobCount = 0;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An executor whose every job is awaited by id, and which is closed (KILL) after the test. */
function executor(
  t: { after(fn: () => Promise<void>): void },
  options: LocalExecutorOptions = {},
): {
  local: LocalExecutor;
  /** Submits `node -e script` (the script gets its argv: [dir]); returns the job id. */
  node(
    script: string,
    resources?: ResourceRequest,
    extra?: Partial<LaunchRequest> & { nodeArgs?: string[] },
  ): string;
  exited(jobId: string): Promise<JobStatus & { state: "exited" }>;
  exits: string[];
} {
  const local = new LocalExecutor(options);
  const exits: string[] = [];
  const waiters = new Map<string, () => void>();
  local.onExit((jobId) => {
    exits.push(jobId);
    waiters.get(jobId)?.();
  });
  t.after(() => local.close(0));
  return {
    local,
    exits,
    node(script, resources = {}, extra = {}) {
      jobCount += 1;
      const jobId = `job${String(jobCount).padStart(29, "0")}`;
      const { nodeArgs = [], ...rest } = extra;
      local.submit({
        jobId,
        command: [process.execPath, ...nodeArgs, "-e", script, dir],
        env: { PATH: process.env.PATH ?? "" },
        cwd: dir,
        resources,
        logFile: join(dir, "jobs", `${jobId}.log`),
        ...rest,
      });
      return jobId;
    },
    async exited(jobId) {
      const done = new Promise<void>((resolve) => waiters.set(jobId, resolve));
      const status = (await local.pollMany([jobId])).get(jobId);
      if (status?.state !== "exited") await withDeadline(done, `job ${jobId} to exit`);
      const final = (await local.pollMany([jobId])).get(jobId);
      assert.equal(final?.state, "exited");
      return final as JobStatus & { state: "exited" };
    },
  };
}

async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for a file a child writes (atomically, by rename) and parses it as JSON. */
async function readWhenWritten<T>(file: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${file}`);
    await sleep(20);
  }
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, "ESRCH");
    return false;
  }
}

/** Child-side helper, as source: write JSON to <dir>/<name> atomically. */
const WRITE_JSON = `
const fs = require("node:fs"), path = require("node:path");
const dir = process.argv[process.argv.length - 1];
const writeJson = (name, value) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file + ".tmp", JSON.stringify(value));
  fs.renameSync(file + ".tmp", file);
};`;

describe("local executor: admission", () => {
  it(
    "runs three jobs asking cpus: 2 one at a time on a machine of 2 cpus",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t, { cpus: 2 });
      const ids = [1, 2, 3].map((n) =>
        ex.node(
          `${WRITE_JSON}
          const start = Date.now();
          setTimeout(() => writeJson("span-${n}.json", { start, end: Date.now() }), 300);`,
          { cpus: 2 },
        ),
      );
      assert.deepEqual(ex.local.usage(), {
        inUse: { cpus: 2, memoryMiB: 0, gpus: 0 },
        queued: 2,
        running: 1,
      });
      for (const id of ids) assert.equal((await ex.exited(id)).exitCode, 0);
      const spans = [1, 2, 3].map(
        (n) =>
          JSON.parse(readFileSync(join(dir, `span-${n}.json`), "utf8")) as {
            start: number;
            end: number;
          },
      );
      // Each child wrote its end before exiting; the next one's start was written after it began.
      for (let i = 1; i < spans.length; i += 1) {
        assert.ok(
          spans[i - 1]!.end <= spans[i]!.start,
          `job ${i + 1} started at ${spans[i]!.start}, before job ${i} ended at ${spans[i - 1]!.end}`,
        );
      }
      assert.deepEqual(ex.exits, ids, "FIFO: they ended in the order they were submitted");
    },
  );

  it(
    "releases a job's resources when it exits, before its onExit listeners are called",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t, { cpus: 2, memoryMiB: 1000 });
      const seen: Array<{ inUse: ResourceRequest; state: string | undefined }> = [];
      ex.local.onExit((jobId) => {
        const usage = ex.local.usage();
        void ex.local
          .pollMany([jobId])
          .then((m) => seen.push({ inUse: usage.inUse, state: m.get(jobId)?.state }));
      });
      const big = ex.node("setTimeout(() => {}, 200)", { cpus: 2, memoryMiB: 600 });
      const small = ex.node("setTimeout(() => {}, 10)", { cpus: 1, memoryMiB: 600 });
      assert.equal((await ex.local.pollMany([small])).get(small)?.state, "queued");
      await ex.exited(big);
      await ex.exited(small);
      assert.deepEqual(ex.local.usage(), {
        inUse: { cpus: 0, memoryMiB: 0, gpus: 0 },
        queued: 0,
        running: 0,
      });
      assert.equal(seen.length, 2);
      // When `big` was reported, its cpus were free and `small` had started with its own.
      assert.deepEqual(seen[0], { inUse: { cpus: 1, memoryMiB: 600, gpus: 0 }, state: "exited" });
      assert.deepEqual(seen[1], { inUse: { cpus: 0, memoryMiB: 0, gpus: 0 }, state: "exited" });
    },
  );

  it("validate returns the largest it can give for a request it can never satisfy", (t) => {
    const ex = executor(t, { cpus: 2, memoryMiB: 4000 });
    const largest = { largest: { cpus: 2, memoryMiB: 4000, gpus: 0 } };
    assert.deepEqual(ex.local.validate({ cpus: 64 }), largest);
    assert.deepEqual(ex.local.validate({ memoryMiB: 4001 }), largest);
    assert.deepEqual(ex.local.validate({ gpus: 1 }), largest);
    assert.equal(ex.local.validate({ cpus: 2, memoryMiB: 4000 }), null);
    assert.equal(ex.local.validate({}), null);
    assert.deepEqual(ex.local.capabilities(), {
      cpus: 2,
      memoryMiB: 4000,
      gpus: 0,
      oomDetection: true,
    });
    assert.throws(
      () => ex.node("", { cpus: 64 }),
      /asks for more than the local executor can ever give/,
    );
    assert.throws(
      () => ex.node("", { cpus: -1 }),
      /resources\.cpus must be a number ≥ 0 \(got -1\)/,
    );
    assert.deepEqual(ex.local.usage().queued, 0, "nothing refused was queued");
  });

  it("defaults its limits to the machine's", (t) => {
    const ex = executor(t);
    const caps = ex.local.capabilities();
    assert.equal(caps.cpus, os.availableParallelism());
    assert.equal(caps.memoryMiB, Math.floor(os.totalmem() / 1024 / 1024));
    assert.equal(caps.gpus, 0);
  });

  it(
    "drops a canceled queued job and reports its exit once",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t, { cpus: 1 });
      const running = ex.node("setInterval(() => {}, 1000)");
      const queued = ex.node("process.exit(0)");
      await ex.local.cancel(queued, 1000);
      const status = await ex.exited(queued);
      assert.equal(status.failure?.kind, "canceled");
      assert.equal(status.handle, undefined, "it never started");
      assert.deepEqual(ex.exits, [queued]);
      await ex.local.cancel(running, 1000);
      await ex.exited(running);
    },
  );
  it(
    "forgets the oldest exited jobs beyond keepExited",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t, { keepExited: 1 });
      const first = ex.node("process.exit(0)");
      await ex.exited(first);
      const second = ex.node("process.exit(0)");
      await ex.exited(second);
      const statuses = await ex.local.pollMany([first, second]);
      assert.deepEqual([...statuses.keys()], [second], "an unknown id is absent from the answer");
    },
  );
});

describe("local executor: exit classification", () => {
  it(
    "kills a job past its memoryMiB and classifies it out-of-memory, asked vs peak used",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      // Buffers filled with 1s are touched, so they are resident; kept, so they stay.
      const id = ex.node(
        "const kept = []; setInterval(() => kept.push(Buffer.alloc(8 * 1024 * 1024, 1)), 20);",
        { memoryMiB: 150 },
      );
      const status = await ex.exited(id);
      assert.equal(status.failure?.kind, "out-of-memory");
      assert.equal(status.failure.memory?.askedMiB, 150);
      assert.ok(status.failure.memory!.usedMiB > 150, `used ${status.failure.memory!.usedMiB} MiB`);
      assert.equal(status.signal, "SIGKILL");
      assert.match(
        status.failure.hint,
        new RegExp(
          `raise the step's resources.memoryMiB above ${status.failure.memory!.usedMiB} \\(peak used\\)`,
        ),
      );
      assert.equal(ex.local.describeFailure(id), status.failure);
    },
  );

  it(
    "never kills a job for memory when it asked for none",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t, { memoryMiB: 100 });
      const id = ex.node(
        `const kept = [];
        const grow = setInterval(() => {
          kept.push(Buffer.alloc(8 * 1024 * 1024, 1));
          if (kept.length === 25) { clearInterval(grow); setTimeout(() => process.exit(0), 500); }
        }, 20);`,
      );
      const status = await ex.exited(id);
      assert.equal(
        status.exitCode,
        0,
        "200 MiB used, more than the executor's 100, but no limit asked",
      );
      assert.equal(status.failure, undefined);
    },
  );

  it(
    "classifies a Node heap abort found in the log as out-of-memory",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      const id = ex.node(
        "const kept = []; for (;;) kept.push({ n: Math.random(), list: [1, 2, 3] });",
        {},
        {
          nodeArgs: ["--max-old-space-size=32"],
        },
      );
      const status = await ex.exited(id);
      assert.equal(status.failure?.kind, "out-of-memory");
      assert.match(status.failure.message, /JavaScript heap out of memory/);
      assert.match(
        readFileSync(join(dir, "jobs", `${id}.log`), "utf8"),
        /JavaScript heap out of memory/,
      );
    },
  );

  it(
    "classifies exit 3 as exit-code 3, quoting the end of its log",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      const id = ex.node(
        "console.log('out line'); console.error('loading failed: no such table'); process.exit(3);",
      );
      const status = await ex.exited(id);
      assert.equal(status.exitCode, 3);
      assert.equal(status.failure?.kind, "exit-code");
      assert.equal(status.failure.exitCode, 3);
      assert.match(
        status.failure.message,
        /exited with code 3; its log ends: loading failed: no such table/,
      );
      assert.match(status.failure.hint, /see the job's log: .*\.log/);
      const log = readFileSync(join(dir, "jobs", `${id}.log`), "utf8");
      assert.match(log, /out line/);
    },
  );

  it(
    "appends to the log file and reports no failure after exit 0",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      const logFile = join(dir, "jobs", "appended.log");
      const first = ex.node("console.log('first')", {}, { logFile });
      await ex.exited(first);
      const second = ex.node("console.log('second')", {}, { logFile });
      const status = await ex.exited(second);
      assert.equal(status.exitCode, 0);
      assert.equal(status.failure, undefined);
      assert.equal(ex.local.describeFailure(second), undefined);
      assert.equal(readFileSync(logFile, "utf8"), "first\nsecond\n");
    },
  );

  it(
    "classifies a program that cannot be started as node-failure",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      const id = ex.node("", {}, { command: [join(dir, "no-such-program")] });
      const status = await ex.exited(id);
      assert.equal(status.failure?.kind, "node-failure");
      assert.match(status.failure.message, /could not be started: .*ENOENT/);
      assert.deepEqual(ex.local.usage().inUse, { cpus: 0, memoryMiB: 0, gpus: 0 });
    },
  );

  it(
    "reports a job whose log file cannot be created as node-failure, after submit returned",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      writeFileSync(join(dir, "a-file"), "");
      const id = ex.node("process.exit(0)", {}, { logFile: join(dir, "a-file", "job.log") });
      assert.deepEqual(ex.exits, [], "onExit is not called from inside submit()");
      const status = await ex.exited(id);
      assert.equal(status.failure?.kind, "node-failure");
      assert.match(status.failure.message, /could not be started: EEXIST: .*a-file/);
      assert.deepEqual(ex.local.usage().inUse, { cpus: 0, memoryMiB: 0, gpus: 0 });
    },
  );

  it(
    "stops a job past wallTimeoutMs and classifies it timeout",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      const id = ex.node("setInterval(() => {}, 1000)", {}, { wallTimeoutMs: 500 });
      const status = await ex.exited(id);
      assert.equal(status.failure?.kind, "timeout");
      assert.equal(status.failure.timeoutMs, 500);
      assert.match(status.failure.hint, /raise timeoutMs above 500/);
    },
  );
});

describe("local executor: stopping", () => {
  /**
   * A job that starts a grandchild in its own process group; the grandchild writes `<name>` with both
   * pids once its code runs (its SIGTERM handler, when it ignores TERM, installed). With `leaderExits`,
   * the job's process then exits 0 and leaves the grandchild running.
   */
  const familyScript = (
    name: string,
    options: { ignoreTerm: boolean; leaderExits?: boolean },
  ): string => {
    const grandchild = `${WRITE_JSON}
      ${options.ignoreTerm ? 'process.on("SIGTERM", () => {});' : ""}
      writeJson(${JSON.stringify(name)}, { child: process.ppid, grandchild: process.pid });
      setInterval(() => {}, 1000);`;
    return `${WRITE_JSON}
      const { spawn } = require("node:child_process");
      spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}, dir], { stdio: "ignore" });
      ${
        options.leaderExits
          ? `const ready = setInterval(() => {
               if (fs.existsSync(path.join(dir, ${JSON.stringify(name)}))) { clearInterval(ready); process.exit(0); }
             }, 20);`
          : "setInterval(() => {}, 1000);"
      }`;
  };
  const family = (name: string): Promise<{ child: number; grandchild: number }> =>
    readWhenWritten(join(dir, name));

  it(
    "cancel of a running job stops its whole process group, grandchild included",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      const id = ex.node(familyScript("family-cancel.json", { ignoreTerm: false }));
      const pids = await family("family-cancel.json");
      assert.ok(isAlive(pids.child) && isAlive(pids.grandchild));
      const running = (await ex.local.pollMany([id])).get(id);
      assert.deepEqual(running?.state === "running" && running.handle.pgid, pids.child);
      await ex.local.cancel(id, 5000);
      assert.equal(isAlive(pids.child), false, "the job's process is gone");
      assert.equal(isAlive(pids.grandchild), false, "its grandchild is gone");
      const status = await ex.exited(id);
      assert.equal(status.failure?.kind, "canceled");
      assert.equal(status.signal, "SIGTERM");
    },
  );

  it(
    "KILLs a job that ignores SIGTERM once the grace period is over",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      const id = ex.node(`${WRITE_JSON}
      process.on("SIGTERM", () => {});
      writeJson("stubborn.json", { pid: process.pid });
      setInterval(() => {}, 1000);`);
      const { pid } = await readWhenWritten<{ pid: number }>(join(dir, "stubborn.json"));
      await ex.local.cancel(id, 500);
      assert.equal(isAlive(pid), false);
      const status = await ex.exited(id);
      assert.equal(status.signal, "SIGKILL");
      assert.equal(status.failure?.kind, "canceled");
    },
  );

  it(
    "stops what is left of a job's group when its leader exits (a grandchild ignoring SIGTERM)",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t, { killGraceMs: 500 });
      const id = ex.node(
        familyScript("family-stray.json", { ignoreTerm: true, leaderExits: true }),
      );
      const status = await ex.exited(id);
      const pids = await family("family-stray.json");
      assert.equal(status.exitCode, 0);
      assert.equal(status.failure, undefined, "the job itself exited 0");
      assert.equal(
        isAlive(pids.grandchild),
        false,
        "the grandchild that ignored SIGTERM was KILLed",
      );
    },
  );

  it(
    "cancel KILLs a grandchild that ignores SIGTERM after its leader died",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t);
      const id = ex.node(familyScript("family-cancel-stubborn.json", { ignoreTerm: true }));
      const pids = await family("family-cancel-stubborn.json");
      await ex.local.cancel(id, 500);
      assert.equal(isAlive(pids.child), false);
      assert.equal(isAlive(pids.grandchild), false);
      const status = await ex.exited(id);
      assert.equal(status.signal, "SIGTERM", "the leader died of the TERM");
      assert.equal(status.failure?.kind, "canceled");
    },
  );

  it(
    "a cancel during a timeout's grace brings the KILL forward and keeps the timeout as the cause",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      // The timeout's own grace is far longer than the test may take: only the cancel's can end it.
      const ex = executor(t, { killGraceMs: 3_600_000 });
      const id = ex.node(
        `${WRITE_JSON}
        process.on("SIGTERM", () => writeJson("termed.json", { pid: process.pid }));
        setInterval(() => {}, 1000);`,
        {},
        { wallTimeoutMs: 300 },
      );
      const { pid } = await readWhenWritten<{ pid: number }>(join(dir, "termed.json"));
      await ex.local.cancel(id, 200);
      assert.equal(isAlive(pid), false);
      const status = await ex.exited(id);
      assert.equal(status.signal, "SIGKILL");
      assert.equal(status.failure?.kind, "timeout", "what stopped it first");
    },
  );

  it(
    "close() leaves no process behind, queued jobs included",
    { timeout: TEST_TIMEOUT_MS },
    async (t) => {
      const ex = executor(t, { cpus: 2 });
      const first = ex.node(familyScript("family-close-1.json", { ignoreTerm: true }));
      const second = ex.node(familyScript("family-close-2.json", { ignoreTerm: false }));
      const queued = ex.node("process.exit(0)");
      const pids = [
        await family("family-close-1.json"),
        await family("family-close-2.json"),
      ].flatMap((p) => [p.child, p.grandchild]);
      assert.equal((await ex.local.pollMany([queued])).get(queued)?.state, "queued");
      await ex.local.close(500);
      for (const pid of pids) assert.equal(isAlive(pid), false, `process ${pid} is gone`);
      assert.deepEqual(new Set(ex.exits), new Set([first, second, queued]));
      for (const id of [first, second, queued]) {
        assert.equal(ex.local.describeFailure(id)?.kind, "node-failure");
      }
      assert.deepEqual(ex.local.usage(), {
        inUse: { cpus: 0, memoryMiB: 0, gpus: 0 },
        queued: 0,
        running: 0,
      });
      assert.throws(() => ex.node("process.exit(0)"), /the local executor is closed/);
    },
  );
});
