/**
 * Child Node processes for tests that need real, separate clients: a script that requires the built
 * library, with its own environment; its output is collected and its exit awaited.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { processExists } from "../tracking/endpoint.js";

/** The built library, as a child process requires it. */
export const LIB = JSON.stringify(join(__dirname, "..", "index.js"));

export interface NodeChild {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** Runs `script` in a new Node process; `t` is the library inside it. */
export function nodeChild(script: string, env: Record<string, string | undefined>): NodeChild {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) {
    if (v !== undefined) childEnv[k] = v;
  }
  const child = spawn(process.execPath, ["-e", `const t = require(${LIB});\n${script}`], {
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
    (resolve) => child.once("close", (code, signal) => resolve({ code, signal, output })),
  );
  return { child, done };
}

/** Whether a process with this pid runs; the tracking library's own check, named for tests. */
export const alive = processExists;

/** Stops the embedded server a data directory's server.json names (SIGTERM), and waits for it. */
export async function stopServerOf(dataDir: string, timeoutMs = 30_000): Promise<void> {
  let pid: number | undefined;
  try {
    pid = (JSON.parse(readFileSync(join(dataDir, "server.json"), "utf8")) as { pid: number }).pid;
  } catch {
    return;
  }
  await stopPid(pid, timeoutMs);
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. */
export async function stopPid(pid: number, timeoutMs = 30_000): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, "SIGKILL");
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
}
