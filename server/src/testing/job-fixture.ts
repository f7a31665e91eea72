/**
 * Runs to dispatch, for the scheduler's tests: a root run (as its kernel would send it, writer
 * `<rootId>.1`) and child runs under it, plus the fake worker's files.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Job } from "../model/jobs";
import type { Api } from "./harness";

/** The compiled protocol-speaking fake worker (ServerOptions.workerEntry). */
export const FAKE_WORKER = join(__dirname, "fake-worker.js");

const hex = (bytes: number): string => randomBytes(bytes).toString("hex");

/** A kernel resolving one root run: creates it, then its child runs. */
export class KernelRoot {
  readonly rootId = hex(16);
  private seq = 0;

  constructor(private readonly api: Api) {}

  private async post(events: Record<string, unknown>[]): Promise<void> {
    const res = await this.api.post("/events", {
      events: events.map((e) => ({
        ...e,
        id: `${this.rootId}:${this.rootId}.1:${++this.seq}`,
        rootId: this.rootId,
        at: Date.now(),
      })),
    });
    if (res.status !== 200) throw new Error(`events: ${res.status} ${res.text}`);
  }

  private run(
    id: string,
    parentId: string | null,
    stepName: string,
    environment?: Record<string, string>,
  ): Record<string, unknown> {
    return {
      type: "run-created",
      run: {
        id,
        rootId: this.rootId,
        parentId,
        stepName,
        sourceHash: "a".repeat(64),
        sourceText: `function ${stepName}() {}`,
        tags: [],
        resources: {},
        cache: false,
        parameters: [],
        createdAt: Date.now(),
        ...(parentId === null && { mode: "local" }),
        ...(environment && { environment }),
      },
    };
  }

  /** Creates the root run; `packageId`: a cloud root that ran that code package. */
  async start(packageId?: string): Promise<this> {
    const environment = packageId
      ? { nodeVersion: process.version, platform: process.platform, packageId }
      : undefined;
    await this.post([
      this.run(this.rootId, null, "pipeline", environment),
      { type: "run-state", runId: this.rootId, state: "running", attempt: 1 },
    ]);
    return this;
  }

  /** A JSON value stored as the output of `runId`, which resolves with `cacheKey`. */
  async cachedOutput(runId: string, value: unknown, cacheKey: string): Promise<string> {
    const id = await this.input(runId, "output", value, "output");
    await this.post([{ type: "run-state", runId, state: "resolved", attempt: 1, cacheKey }]);
    return id;
  }

  /** A JSON value stored and recorded as an input (or output) of `runId`; returns its artifact id. */
  async input(
    runId: string,
    name: string,
    value: unknown,
    direction: "input" | "output" = "input",
  ): Promise<string> {
    const bytes = Buffer.from(JSON.stringify(value));
    const id = createHash("sha256").update("json").update("\0").update(bytes).digest("hex");
    const put = await this.api.request("PUT", `/api/v1/artifacts/${id}/value?typeName=json`, {
      raw: bytes,
      headers: { "content-type": "application/octet-stream" },
    });
    if (put.status !== 201 && put.status !== 200) throw new Error(`upload: ${put.text}`);
    await this.post([
      {
        type: "artifact",
        artifact: {
          id,
          typeName: "json",
          mediaType: "application/json",
          size: bytes.length,
          summary: {},
        },
      },
      { type: "edge", runId, direction, name, artifactId: id },
    ]);
    return id;
  }

  /** A child run of the root, created and scheduled (what the resolver sends before dispatch). */
  async step(stepName: string): Promise<string> {
    const id = hex(16);
    await this.post([
      this.run(id, this.rootId, stepName),
      { type: "run-state", runId: id, state: "scheduled", attempt: 1 },
    ]);
    return id;
  }
}

/** Long-polls a run's job until it settles. */
export async function settledJob(api: Api, runId: string): Promise<Job> {
  for (;;) {
    const res = await api.get<Job>(`/runs/${runId}/job?waitMs=25000`);
    if (res.status !== 200) throw new Error(`job of ${runId}: ${res.status} ${res.text}`);
    if (["succeeded", "failed", "canceled", "lost"].includes(res.body.state)) return res.body;
  }
}

/** Waits until `check` holds (polling every 50 ms); the test's own timeout bounds it. */
export async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

/**
 * The pid the fake worker of `jobId` wrote, once it has. Read until it is a whole pid: the file
 * exists, empty, between its creation and the write, and `Number("")` is 0, which `alive` (a
 * signal to pid 0 reaches this process's own group) would call alive forever.
 */
export async function workerPid(dir: string, jobId: string): Promise<number> {
  const file = join(dir, `${jobId}.pid`);
  let pid = 0;
  await until(() => {
    pid = existsSync(file) ? Number(readFileSync(file, "utf8")) : 0;
    return Number.isInteger(pid) && pid > 0;
  });
  return pid;
}

/** Whether a process exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
