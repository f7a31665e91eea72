/**
 * Plain test projects (`main.js` is exactly the given source, no marker helpers) run as a kernel or
 * a script would be, against whichever test server a test names: for tests that start several
 * servers. Cloud tests with one server and marker files use `cloudProjects()` (cloud-project.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { projectDir } from "./cloud-project";
import type { ServerProcess } from "./server-process";

export class NodeProjects {
  private readonly dirs: string[] = [];
  private readonly children: ChildProcess[] = [];

  /** A project whose `main.js` is `source`. */
  project(name: string, source: string): { dir: string; main: string } {
    const made = projectDir(name, source);
    this.dirs.push(made.dir);
    return made;
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

export { lastJson } from "./cloud-project";
