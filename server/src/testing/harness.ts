/**
 * Test helpers: a real server (in this process, or as a child process) on an ephemeral 127.0.0.1
 * port with a real sqlite file in a fresh temporary directory, and a small API client.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerOptions } from "../config";
import type { RunEvent } from "../model/events";
import { type RunningServer, startServer } from "../server";
import type { FixtureArtifact } from "./fixture";

export const CLI = join(__dirname, "..", "cli.js");

export function tempDir(prefix = "tsematic-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  /** Serialized as JSON with Content-Type application/json, unless `raw` is given. */
  json?: unknown;
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Overrides the client's token; null sends none. */
  token?: string | null;
}

export class Api {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    o: RequestOptions = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { ...o.headers };
    const token = o.token === undefined ? this.token : o.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array | undefined = o.raw;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = unknown>(path: string): Promise<Answer<T>> {
    return this.request<T>("GET", `/api/v1${path}`);
  }

  post<T = unknown>(path: string, json?: unknown): Promise<Answer<T>> {
    return this.request<T>("POST", `/api/v1${path}`, json === undefined ? {} : { json });
  }

  postEvents<T = { received: number; ingested: number; duplicates: number }>(
    events: RunEvent[],
  ): Promise<Answer<T>> {
    return this.post<T>("/events", { events });
  }

  async uploadArtifacts(artifacts: FixtureArtifact[]): Promise<void> {
    for (const a of artifacts) {
      const res = await this.request(
        "PUT",
        `/api/v1/artifacts/${a.id}/value?typeName=${encodeURIComponent(a.typeName)}`,
        { raw: a.bytes, headers: { "content-type": "application/octet-stream" } },
      );
      if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.text}`);
    }
  }

  /** Uploads artifacts in one POST /artifact-uploads request. */
  uploadArtifactBatch(
    artifacts: FixtureArtifact[],
  ): Promise<Answer<{ received: number; created: number }>> {
    return this.post("/artifact-uploads", {
      artifacts: artifacts.map((a) => ({
        id: a.id,
        typeName: a.typeName,
        bytes: Buffer.from(a.bytes).toString("base64"),
      })),
    });
  }

  /** Posts events in batches of `size`, failing on any non-2xx answer. */
  async postInBatches(events: RunEvent[], size: number): Promise<void> {
    for (let i = 0; i < events.length; i += size) {
      const res = await this.postEvents(events.slice(i, i + size));
      if (res.status !== 200) throw new Error(`batch at ${i} failed: ${res.status} ${res.text}`);
    }
  }
}

export interface TestServer {
  server: RunningServer;
  api: Api;
  dataDir: string;
  /** Closes the server and removes its data directory. */
  close(): Promise<void>;
}

export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const server = await startServer({ port: 0, log: () => undefined, ...options, dataDir });
  return {
    server,
    api: new Api(server.url, server.token),
    dataDir,
    close: async () => {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  token: string;
  api: Api;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | string>;
}

/** Runs `tsematic server --port 0` as a child process and waits until it listens. */
export async function spawnServer(dataDir: string, args: string[] = []): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [CLI, "server", "--port", "0", "--data-dir", dataDir, ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    // Generous: a loaded 2-core machine took over 15 s to start node and the server.
    const timer = setTimeout(
      () => reject(new Error(`server did not start in 60 s: ${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}): ${output}`));
    });
  });
  const token = readFileSync(join(dataDir, "token"), "utf8").trim();
  return { child, url, token, api: new Api(url, token), exited };
}

/** Row counts of every lineage table. */
export function rowCounts(db: RunningServer["context"]["db"]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const table of [
    "roots",
    "runs",
    "run_tags",
    "artifacts",
    "edges",
    "logs",
    "notes",
    "metrics",
    "notes_panes",
    "processed_events",
    "artifact_blobs",
    "event_sequences",
    "flows",
    "attempt_starts",
    "attempt_ends",
  ]) {
    counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  return counts;
}
