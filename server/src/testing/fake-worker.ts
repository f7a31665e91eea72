/**
 * A protocol-speaking worker for the server's tests: a real process, started by the real local
 * executor (`ServerOptions.workerEntry`), that speaks the worker protocol of the contract over HTTP
 * with its worker token: fetches its spec, posts `started`, heartbeats its run's lease, posts the
 * run's events as writer `<runId>.<attempt>`, and posts `finished`. It runs no user code: the
 * server's side of cloud runs is what it exercises (kernel-lib's worker is tested against it too).
 *
 * Behaviour, from the environment (the server passes `TSEMATIC_TEST_*` through):
 * - `TSEMATIC_TEST_WORKER_MODE`: `succeed` (default), `fail` (a step error), `exit3` (exits 3
 *   mid-run), `hang` (heartbeats until killed), `hang-then-succeed` (hangs on attempt 1, succeeds
 *   on later attempts), `hang-early` (waits to be killed before it fetches its spec: a driver
 *   that has not created its root run yet), `oom` (allocates until killed), `silent-then-succeed`
 *   (attempt 1 heartbeats once, then stays alive without a word; later attempts succeed),
 *   `no-finished` (resolves its run, then exits 0 without reporting `finished`), `fail-early` (reports
 *   `started`, then `finished` failed and exits 1 without a single event: a driver whose package
 *   could not be installed, which never created its root run);
 * - `TSEMATIC_TEST_WORKER_DIR`: where it writes `<jobId>.pid`, `<jobId>.env` (its environment's
 *   variable names, JSON) and, with `TSEMATIC_TEST_WORKER_SHARE_TOKEN=1`, `<jobId>.token`.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

interface Spec {
  job: { id: string; kind: string; rootId: string; runId: string; attempt: number };
  packageId: string;
  stepName?: string;
}

const url = process.env.TSEMATIC_SERVER_URL!;
const token = process.env.TSEMATIC_TOKEN!;
const jobId = process.env.TSEMATIC_JOB_ID!;
const mode = process.env.TSEMATIC_TEST_WORKER_MODE ?? "succeed";
const dir = process.env.TSEMATIC_TEST_WORKER_DIR;

async function call(method: string, path: string, body?: unknown, raw?: Buffer): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (raw !== undefined) headers["content-type"] = "application/octet-stream";
  return fetch(`${url}/api/v1${path}`, {
    method,
    headers,
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
}

async function ok(res: Promise<Response>, what: string): Promise<unknown> {
  const r = await res;
  const text = await r.text();
  if (!r.ok) throw new Error(`${what}: ${r.status} ${text}`);
  return text === "" ? undefined : JSON.parse(text);
}

async function main(): Promise<"hang" | "done"> {
  if (dir) {
    writeFileSync(join(dir, `${jobId}.pid`), String(process.pid));
    writeFileSync(join(dir, `${jobId}.env`), JSON.stringify(Object.keys(process.env).sort()));
    if (process.env.TSEMATIC_TEST_WORKER_SHARE_TOKEN === "1") {
      writeFileSync(join(dir, `${jobId}.token`), token);
    }
  }
  if (mode === "hang-early") {
    setInterval(() => undefined, 60_000);
    return "hang";
  }
  const spec = (await ok(call("GET", `/jobs/${jobId}/spec`), "spec")) as Spec;
  const { rootId, runId, attempt } = spec.job;
  const started = await call("POST", `/jobs/${jobId}/started`, {
    pid: process.pid,
    host: hostname(),
    attempt,
  });
  if (started.status === 409) process.exit(0);
  if (!started.ok) throw new Error(`started: ${started.status} ${await started.text()}`);
  if (mode === "fail-early") {
    const step = spec.stepName ?? "program";
    const error = {
      name: "PackageError",
      message: `the project folder of package ${spec.packageId} is gone`,
      stepName: step,
      path: [step],
      runId,
    };
    await ok(call("POST", `/jobs/${jobId}/finished`, { state: "failed", error }), "finished");
    process.exit(1);
  }

  const writer = `${rootId}:${runId}.${attempt}`;
  let seq = 0;
  const post = (events: Record<string, unknown>[]): Promise<unknown> =>
    ok(
      call("POST", "/events", {
        events: events.map((e) => ({ ...e, id: `${writer}:${++seq}`, rootId, at: Date.now() })),
      }),
      "events",
    );
  const heartbeat = async (): Promise<void> => {
    const answer = (await ok(
      call("POST", `/runs/${runId}/heartbeat?attempt=${attempt}`),
      "heartbeat",
    )) as { cancelRequested: boolean; lease?: { lease: string } };
    if (answer.cancelRequested || (answer.lease && answer.lease.lease !== "held")) process.exit(0);
  };

  const stepName = spec.stepName ?? "program";
  if (spec.job.kind !== "step") {
    // A driver creates its root run (a replay on later attempts: the server keeps the first).
    await post([
      {
        type: "run-created",
        run: {
          id: rootId,
          rootId,
          parentId: null,
          stepName,
          sourceHash: "0".repeat(64),
          sourceText: "",
          tags: [],
          resources: {},
          cache: false,
          parameters: [],
          createdAt: Date.now(),
          mode: "cloud",
          environment: {
            nodeVersion: process.version,
            platform: process.platform,
            packageId: spec.packageId,
          },
        },
      },
    ]);
  }
  await heartbeat();
  const silent = mode === "silent-then-succeed" && attempt === 1;
  const timer = setInterval(() => {
    if (!silent) void heartbeat().catch(() => undefined);
  }, 500);
  await post([
    { type: "run-state", runId, state: "running", attempt },
    {
      type: "log",
      runId,
      stream: "stdout",
      text: `fake worker: job ${jobId}, attempt ${attempt}\n`,
    },
  ]);

  const behaviour = /-then-succeed$/.test(mode) ? (attempt === 1 ? "hang" : "succeed") : mode;
  if (behaviour === "oom") {
    const held: Buffer[] = [];
    // 32 MiB at a time, touched (Buffer.alloc fills it), until the watchdog kills the group.
    for (;;) {
      held.push(Buffer.alloc(32 * 1024 * 1024, 1));
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  if (behaviour === "hang") return "hang"; // Its heartbeat timer keeps it alive until killed.
  if (behaviour === "exit3") process.exit(3);
  clearInterval(timer);
  if (behaviour === "fail") {
    const error = {
      name: "Error",
      message: "the step failed on purpose",
      stepName,
      path: [stepName],
      runId,
    };
    await post([{ type: "run-state", runId, state: "failed", attempt, error }]);
    await ok(call("POST", `/jobs/${jobId}/finished`, { state: "failed", error }), "finished");
    return "done";
  }
  const bytes = Buffer.from(JSON.stringify({ ranIn: process.pid, runId }));
  const artifactId = createHash("sha256").update("json").update("\0").update(bytes).digest("hex");
  await ok(call("PUT", `/artifacts/${artifactId}/value?typeName=json`, undefined, bytes), "upload");
  await post([
    {
      type: "artifact",
      artifact: {
        id: artifactId,
        typeName: "json",
        mediaType: "application/json",
        size: bytes.length,
        summary: {},
      },
    },
    { type: "edge", runId, direction: "output", name: "output", artifactId },
    { type: "run-state", runId, state: "resolved", attempt },
  ]);
  if (behaviour === "no-finished") return "done";
  await ok(
    call("POST", `/jobs/${jobId}/finished`, { state: "succeeded", outputArtifactId: artifactId }),
    "finished",
  );
  return "done";
}

main().then(
  (how) => {
    if (how === "done") process.exit(0);
  },
  (err: unknown) => {
    process.stderr.write(`fake worker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
