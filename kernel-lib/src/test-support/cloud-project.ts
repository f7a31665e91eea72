/**
 * Helpers for cloud-run tests that drive a real server and real pipelines: small scripts in
 * temporary projects (their node_modules is the repository's, as a project that installed
 * tsematic would have), run as real Node processes, and the server's view of their runs. Steps
 * count and coordinate through marker files under TSEMATIC_TEST_MARKERS, which the server passes
 * on to its workers.
 *
 * @example
 * ```ts
 * const cloud = cloudProjects(() => server);
 * after(() => cloud.cleanUp());
 * const { main, markers } = cloud.project("p", `func(function f() { mark("ran"); return 1; })().run({ executor: "local" })`);
 * const { code, output } = await cloud.drive(main).done;
 * ```
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerProcess } from "./server-process";

const REPO = join(__dirname, "..", "..", "..");

/**
 * A temporary project folder: package.json, a lockfile and the repository's node_modules (as a
 * project that installed tsematic has), and `main.js` holding `source`.
 */
export function projectDir(name: string, source: string): { dir: string; main: string } {
  const dir = npmProject(name);
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  const main = join(dir, "main.js");
  writeFileSync(main, source);
  return { dir, main };
}

/**
 * An empty npm project in a new temporary folder: package.json and package-lock.json, as
 * `npm install` leaves them. The caller removes it.
 */
export function npmProject(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tsematic-${name}-`));
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
  return dir;
}

/** What every test script starts with: the library and marker-file helpers under `<markers>/<name>`. */
export function header(name: string): string {
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

/** Marker files in `dir` whose names start with `prefix`. */
export function files(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(prefix));
}

/**
 * Projects, drivers and run views against one server. `shared`: the projects and markers are
 * readable and writable by every user (workers a cluster runs as another unix user).
 */
export function cloudProjects(server: () => ServerProcess, options: { shared?: boolean } = {}) {
  const markers = mkdtempSync(join(tmpdir(), "tsematic-markers-"));
  const dirs: string[] = [markers];
  const children: ChildProcess[] = [];
  const open = (dir: string): void => {
    if (options.shared) chmodSync(dir, 0o777);
  };
  open(markers);

  /** A project folder holding `main.js` (after {@link header}), with the repository's node_modules. */
  function project(name: string, body: string): { dir: string; main: string; markers: string } {
    const { dir, main } = projectDir(`cloud-${name}`, header(name) + body);
    dirs.push(dir);
    if (options.shared) chmodSync(dir, 0o755);
    const m = join(markers, name);
    mkdirSync(m, { recursive: true });
    open(m);
    return { dir, main, markers: m };
  }

  /** Runs `node main.js` as a driver (a kernel or a script) pointed at the test server. */
  function drive(main: string, args: string[] = []): Driver {
    const child = spawn(process.execPath, [main, ...args], {
      env: { ...process.env, ...server().clientEnv(), TSEMATIC_TEST_MARKERS: markers },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
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

  const runOf = (id: string): Promise<RunDetail> => server().api<RunDetail>(`/runs/${id}`);

  /** Every run under `rootId`, depth first. */
  async function runsUnder(rootId: string): Promise<RunDetail[]> {
    const out: RunDetail[] = [];
    const visit = async (id: string): Promise<void> => {
      const detail = await runOf(id);
      out.push(detail);
      for (const child of detail.childIds) await visit(child);
    };
    await visit(rootId);
    return out;
  }

  /** Kills the drivers still running and removes the projects and markers. */
  function cleanUp(): void {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }

  return { markers, project, drive, runOf, runsUnder, cleanUp };
}
