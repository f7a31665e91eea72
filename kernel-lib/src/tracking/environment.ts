/** What a tracked root run records about where it ran: enough to find and reproduce it later. */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import type { RunEnvironment } from "../events";

const LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"];

/** SHA-256 of the nearest lockfile above `dir`, if any. */
export function lockfileHash(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    for (const name of LOCKFILES) {
      const file = join(d, name);
      if (existsSync(file)) return createHash("sha256").update(readFileSync(file)).digest("hex");
    }
    if (dirname(d) === d) return undefined;
  }
}

/** The commit checked out in `dir`, if it is inside a git work tree with a commit. */
export function gitCommit(dir: string): string | undefined {
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 2_000,
    });
    const commit = out.toString().trim();
    return /^[0-9a-f]{40}$/.test(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

// The lockfile and commit do not change while a kernel runs a pipeline many times: look them up once.
let cached: { dir: string; env: RunEnvironment } | undefined;

/** The environment of this process, with what the caller knows (e.g. the notebook path) on top. */
export function captureEnvironment(extra: Partial<RunEnvironment> = {}): RunEnvironment {
  const dir = process.cwd();
  if (!cached || cached.dir !== dir) {
    const lock = lockfileHash(dir);
    const commit = gitCommit(dir);
    cached = {
      dir,
      env: {
        nodeVersion: process.version,
        platform: `${process.platform}-${process.arch}`,
        hostname: hostname(),
        ...(lock ? { lockfileHash: lock } : {}),
        ...(commit ? { gitCommit: commit } : {}),
      },
    };
  }
  const notebook = notebookPath();
  return { ...cached.env, ...(notebook ? { notebookPath: notebook } : {}), ...extra };
}

/**
 * The notebook this kernel runs: the file named by `TSEMATIC_NOTEBOOK_FILE` (written by this
 * repository's lab host, it follows renames: a new notebook starts as Untitled.ipynb), else
 * `JPY_SESSION_NAME`, which Jupyter servers set in every kernel's environment when it starts
 * (jupyter_server 2, and the lab host), else `TSEMATIC_NOTEBOOK_PATH` (for harnesses that run
 * notebooks without a Jupyter server). Undefined outside notebooks.
 *
 * @example
 * ```ts
 * // In a kernel started by JupyterLab for tutorials/01-first-pipeline.ipynb:
 * notebookPath(); // "/home/me/project/tutorials/01-first-pipeline.ipynb"
 * ```
 */
export function notebookPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (
    notebookFromFile(env.TSEMATIC_NOTEBOOK_FILE) ||
    env.JPY_SESSION_NAME ||
    env.TSEMATIC_NOTEBOOK_PATH ||
    undefined
  );
}

/** The path written in `file`, or undefined when it cannot be read (the host may have removed it). */
function notebookFromFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8").slice(0, 4096).trim() || undefined;
  } catch {
    return undefined;
  }
}
