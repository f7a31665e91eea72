/**
 * Cloud-run tests end to end: a real lineage server (`tsematic server`) with its real local
 * executor and this library's real worker, driven by real Node processes running small scripts in
 * a temporary project (its node_modules is the repository's, as a project that installed tsematic
 * would have). Steps count and coordinate through marker files under `TSEMATIC_TEST_MARKERS`, which
 * the server passes on to its workers.
 *
 * @example
 * ```ts
 * const cloud = new CloudProjects();
 * before(() => cloud.start(["--cpus", "2"]));
 * after(() => cloud.stop());
 * const { main } = cloud.project("p", `const s = func({ resources: { cpus: 1 } }, (x) => x); ...`);
 * const { code, output } = await cloud.drive(main).done;
 * ```
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ServerProcess } from "./server-process";

const REPO = join(__dirname, "..", "..", "..");

export interface Driver {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  output: () => string;
}

export interface RunDetail {
  run: {
    id: string;
    state: string;
    stepName: string;
    error?: { failure?: { kind: string; memory?: { askedMiB: number; usedMiB: number } } };
  };
  inputs: Array<{
    name: string;
    artifact: { id: string };
    producers: Array<{ runId: string; kind: string }>;
  }>;
  outputs: Array<{ name: string; artifact: { id: string } }>;
  childIds: string[];
}

/** What every test script starts with: the library and marker-file helpers under `<markers>/<name>`. */
function header(name: string): string {
  return `
const { func, runContext } = require("tsematic");
const fs = require("node:fs");
const path = require("node:path");
const M = path.join(process.env.TSEMATIC_TEST_MARKERS, ${JSON.stringify(name)});
const mark = (file, text = String(process.pid)) => fs.writeFileSync(path.join(M, file), text);
const has = (file) => fs.existsSync(path.join(M, file));
const waitFor = async (file) => { while (!has(file)) await new Promise((r) => setTimeout(r, 50)); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
`;
}

/** A test server, the projects and drivers of a test file, and what they leave behind. */
export class CloudProjects {
  server!: ServerProcess;
  readonly markers = mkdtempSync(join(tmpdir(), "tsematic-markers-"));
  private readonly dirs: string[] = [this.markers];
  private readonly children: ChildProcess[] = [];

  /** Starts the server with `args` (`--cpus 2`); markers reach its workers. */
  async start(args: string[]): Promise<ServerProcess> {
    this.server = await ServerProcess.start({
      args,
      env: { TSEMATIC_TEST_MARKERS: this.markers },
    });
    return this.server;
  }

  /** Kills drivers still running, stops the server (and so every worker), removes the folders. */
  async stop(): Promise<void> {
    for (const child of this.children) if (child.exitCode === null) child.kill("SIGKILL");
    await this.server?.stop();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }

  /** A project folder holding `main.js` (after the header), with the repository's node_modules. */
  project(name: string, body: string): { dir: string; main: string; markers: string } {
    const dir = mkdtempSync(join(tmpdir(), `tsematic-cloud-${name}-`));
    this.dirs.push(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "p", version: "1.0.0" }));
    writeFileSync(
      join(dir, "package-lock.json"),
      JSON.stringify({
        name: "p",
        lockfileVersion: 3,
        requires: true,
        packages: { "": { name: "p" } },
      }),
    );
    symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
    const main = join(dir, "main.js");
    writeFileSync(main, header(name) + body);
    const m = join(this.markers, name);
    mkdirSync(m, { recursive: true });
    return { dir, main, markers: m };
  }

  /** Runs `node main.js` as a driver (a kernel or a script) pointed at the test server. */
  drive(main: string, args: string[] = []): Driver {
    const child = spawn(process.execPath, [main, ...args], {
      env: { ...process.env, ...this.server.clientEnv(), TSEMATIC_TEST_MARKERS: this.markers },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.children.push(child);
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const done = new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      output: string;
    }>((resolve) => child.once("close", (code, signal) => resolve({ code, signal, output })));
    return { child, done, output: () => output };
  }

  runOf(id: string): Promise<RunDetail> {
    return this.server.api<RunDetail>(`/runs/${id}`);
  }

  /** Every run under `rootId`, depth first. */
  async runsUnder(rootId: string): Promise<RunDetail[]> {
    const out: RunDetail[] = [];
    const visit = async (id: string): Promise<void> => {
      const detail = await this.runOf(id);
      out.push(detail);
      for (const child of detail.childIds) await visit(child);
    };
    await visit(rootId);
    return out;
  }

  /** What a worker process printed (the local executor's log file of the job it was launched for). */
  jobLog(jobId: string): string {
    try {
      return readFileSync(join(this.server.dataDir, "jobs", `${jobId}.log`), "utf8");
    } catch (error) {
      return String(error);
    }
  }
}

/** The last line of a driver's output that parses as JSON. */
export function lastJson<T>(output: string): T {
  const lines = output.trim().split("\n").reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as T;
    } catch {
      // not the result line
    }
  }
  throw new Error(`no JSON line in the output:\n${output}`);
}

/** The names in `dir` that start with `prefix`. */
export function files(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(prefix));
}
