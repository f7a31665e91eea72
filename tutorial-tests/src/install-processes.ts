/**
 * Processes for the install tests (install-*.test.ts): each runs in its own process group, so stopping it
 * also stops what it started (npx, pip, node-gyp, kernels), and a command that hangs is stopped and reported.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** Installs compile better-sqlite3 and may wait on the npm registry: minutes on a loaded 2-core machine. */
export const INSTALL_TIMEOUT_MS = 600_000;

/** A started process with what it printed so far. */
export interface Started {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<number | string>;
  /** SIGTERM to the whole group, SIGKILL after 10 s; resolves with the exit code or signal. */
  stop(): Promise<number | string>;
}

export interface StartOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts `command args` in its own process group.
 *
 * @example
 * const lab = start("/usr/bin/python3", ["lab/serve.py", "--port", "0"], { cwd: REPO });
 * await waitFor(lab, /TSEMATIC_LAB_URL=(\S+)/, "JupyterLab");
 * await lab.stop();
 */
export function start(command: string, args: string[], options: StartOptions): Started {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once("error", (error) => resolve(error.message));
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
  let done = false;
  void exited.then(() => (done = true));
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group has already gone
    }
  };
  return {
    child,
    output,
    exited,
    async stop() {
      if (!done) {
        signalGroup("SIGTERM");
        const timer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      // Whatever the leader left behind in its group goes too.
      signalGroup("SIGKILL");
      return exited;
    },
  };
}

/** Runs a command to its end; throws with its output when it fails or takes longer than `timeoutMs`. */
export async function run(
  command: string,
  args: string[],
  options: StartOptions & { timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }> {
  const timeoutMs = options.timeoutMs ?? INSTALL_TIMEOUT_MS;
  const p = start(command, args, options);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const first = await Promise.race([p.exited, timedOut]);
  clearTimeout(timer);
  await p.stop();
  if (first !== 0) {
    const why = first === "timeout" ? `timed out after ${timeoutMs} ms` : `exited with ${first}`;
    throw new Error(
      `\`${command} ${args.join(" ")}\` ${why}\nstdout: ${p.output.stdout}\nstderr: ${p.output.stderr}`,
    );
  }
  return p.output;
}

/** Waits until `pattern` appears in the process's stdout; fails if it exits first or takes 90 s. */
export async function waitFor(p: Started, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = pattern.exec(p.output.stdout);
    if (match) return match;
    const state = await Promise.race([
      p.exited.then((code) => ({ code })),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 100)),
    ]);
    const late = pattern.exec(p.output.stdout);
    if (late) return late;
    if (state !== null || Date.now() > deadline) {
      throw new Error(
        `${what}: ${state ? `exited (${state.code})` : "timed out"}\nstdout: ${p.output.stdout}\nstderr: ${p.output.stderr}`,
      );
    }
  }
}
