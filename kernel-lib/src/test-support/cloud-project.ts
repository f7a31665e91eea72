/**
 * Test projects for cloud runs with real processes: a temporary folder with package.json, a
 * lockfile and the repository's node_modules (as a project that installed tsematic has), whose
 * `main.js` is run as a kernel or script would be, pointed at a test server.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerProcess } from "./server-process";

const REPO = join(__dirname, "..", "..", "..");

export class CloudProjects {
  private readonly dirs: string[] = [];
  private readonly children: ChildProcess[] = [];

  /** A project whose `main.js` is `source`. */
  project(name: string, source: string): { dir: string; main: string } {
    const dir = mkdtempSync(join(tmpdir(), `tsematic-${name}-`));
    this.dirs.push(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "p", version: "1.0.0" }));
    writeFileSync(
      join(dir, "package-lock.json"),
      JSON.stringify({ name: "p", lockfileVersion: 3, requires: true, packages: { "": {} } }),
    );
    symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
    const main = join(dir, "main.js");
    writeFileSync(main, source);
    return { dir, main };
  }

  /** Runs `node main` pointed at `server`; `done` has its exit code and output. */
  drive(server: ServerProcess, main: string) {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, ...server.clientEnv() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.children.push(child);
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const done = new Promise<{ code: number | null; output: string }>((resolve) =>
      child.once("close", (code) => resolve({ code, output })),
    );
    return { child, done };
  }

  /** Stops every process it started and removes the projects. */
  cleanup(): void {
    for (const child of this.children) if (child.exitCode === null) child.kill("SIGKILL");
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** The last line of `output` that parses as JSON. */
export function lastJson<T>(output: string): T {
  for (const line of output.trim().split("\n").reverse()) {
    try {
      return JSON.parse(line) as T;
    } catch {
      // not the result line
    }
  }
  throw new Error(`no JSON line in the output:\n${output}`);
}
