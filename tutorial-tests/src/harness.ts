/**
 * Node side of the notebook harness: runs `harness/execute_notebook.py` (Debian's nbclient, under
 * /usr/bin/python3) on one notebook with the real tslab kernel and returns its report.
 *
 * The machine must be prepared once by `scripts/setup-notebooks.sh` (scripts/test.sh does it).
 *
 * @example
 * ```ts
 * const report = await executeNotebook("tutorials/01-first-pipeline.ipynb");
 * assert.ok(report.ok, formatReport(report));
 * ```
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** This workspace's folder (this file is compiled to tutorial-tests/lib/). */
const HERE = path.resolve(__dirname, "..");
/** The tutorial notebooks: the folder JupyterLab opens for newcomers holds only notebooks and what they read. */
export const TUTORIALS_DIR = path.resolve(HERE, "..", "tutorials");
/** Executed copies sit beside the tutorials (hidden), so that a notebook's relative paths still work. */
export const EXECUTED_DIR = path.join(TUTORIALS_DIR, ".executed");
const EXECUTOR = path.join(HERE, "harness", "execute_notebook.py");
const PYTHON = "/usr/bin/python3";

export type CellStatus =
  | "ok"
  | "skipped"
  | "error"
  | "timeout"
  | "kernel-died"
  | "terminated"
  | "unhandled-rejection"
  | "uncaught-exception";

export interface CellReport {
  /** Index among all cells of the notebook as written; null for the harness's own cells. */
  index: number | null;
  /** `guard` or `check` for the cells the harness injects. */
  harness: "guard" | "check" | null;
  status: CellStatus;
  durationMs: number;
  source: string;
  stderr: string;
  error: string;
}

export interface NotebookReport {
  notebook: string;
  /** Where the executed notebook (outputs and harness cells included) was saved. */
  executed: string | null;
  ok: boolean;
  durationMs: number;
  kernelStartupMs: number | null;
  cells: CellReport[];
  failures: CellReport[];
  /** Set when the notebook could not be executed at all (no kernel, unreadable file). */
  setupError?: string;
  /** The executor's human-readable report (its stderr), kernel noise included. */
  log: string;
}

export interface ExecuteOptions {
  /** Seconds per cell. */
  cellTimeoutSeconds?: number;
  outDir?: string;
  /** Kills the executor (which then shuts its kernel down) after this long. */
  totalTimeoutMs?: number;
  /**
   * Tsematic's data directory for the kernel (`TSEMATIC_HOME`): where tracked runs find the lineage
   * server, or start the embedded one. Tests always pass one, so no notebook touches ~/.tsematic.
   */
  tsematicHome?: string;
  /** Added to the kernel's environment (e.g. `TSEMATIC_TUTORIAL_EXECUTOR`). */
  env?: Record<string, string>;
}

/** Executes a notebook and resolves with the executor's report; rejects only if the executor is broken. */
export function executeNotebook(
  notebookPath: string,
  options: ExecuteOptions = {},
): Promise<NotebookReport> {
  const args = [
    EXECUTOR,
    path.resolve(notebookPath),
    "--json",
    "--out-dir",
    options.outDir ?? EXECUTED_DIR,
    "--timeout",
    String(options.cellTimeoutSeconds ?? 120),
  ];
  return new Promise((resolve, reject) => {
    // The kernel inherits this environment (jupyter_client passes it on).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TSEMATIC_NOTEBOOK_PATH: relativeToRepo(notebookPath),
    };
    delete env.TSEMATIC_URL;
    delete env.TSEMATIC_TOKEN;
    if (options.tsematicHome) env.TSEMATIC_HOME = options.tsematicHome;
    Object.assign(env, options.env);
    const child = spawn(PYTHON, args, { stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    // SIGTERM lets the executor shut its kernel down (the kernel runs in its own session).
    const timer = setTimeout(() => child.kill("SIGTERM"), options.totalTimeoutMs ?? 600_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${PYTHON} (run scripts/setup-notebooks.sh): ${err.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").pop() ?? "";
      try {
        const report = JSON.parse(line) as Omit<NotebookReport, "log">;
        resolve({ ...report, log: stderr });
      } catch {
        reject(
          new Error(
            `the notebook executor exited with ${signal ?? code} and no report ` +
              `(is python3-nbclient installed? run scripts/setup-notebooks.sh):\n${stderr}`,
          ),
        );
      }
    });
  });
}

const REPO_DIR = path.resolve(TUTORIALS_DIR, "..");

function relativeToRepo(file: string): string {
  return path.relative(REPO_DIR, path.resolve(file));
}

/** A lineage server in a temporary data directory, for the notebooks of one test file. */
export interface LineageServer {
  /** Its data directory: pass it as `tsematicHome` so tracked runs find this server. */
  home: string;
  url: string;
  token: string;
  /** Stops the server (and any embedded server a notebook started in `home`) and removes `home`. */
  stop(): Promise<void>;
}

async function waitUntil<T>(what: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = what();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function serverFile(home: string): { url: string; pid: number } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(home, "server.json"), "utf8"));
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A data directory with no server yet: the first tracked run in a notebook starts the embedded one. */
export function emptyTsematicHome(): LineageServer {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "tsematic-notebooks-"));
  return { home, url: "", token: "", stop: () => stopServersIn(home) };
}

/** Stops the server whose server.json is in `home` (only if it runs from that directory) and removes it. */
async function stopServersIn(home: string, pid?: number): Promise<void> {
  const pids = new Set<number>();
  if (pid !== undefined) pids.add(pid);
  const info = serverFile(home);
  if (info) pids.add(info.pid);
  for (const p of pids) {
    if (!isRunning(p)) continue;
    process.kill(p, "SIGTERM");
    if (await waitUntil(() => (isRunning(p) ? undefined : true), 5_000)) continue;
    process.kill(p, "SIGKILL");
  }
  fs.rmSync(home, { recursive: true, force: true });
}

/**
 * Starts `tsematic server` (this checkout's) on a free port (or `port`) in a fresh temporary data
 * directory. `--gpus 1`: tutorial 05's training step asks for a GPU, and the local executor admits
 * GPU requests against the count it is given (it binds no device), so the step runs here on the CPU.
 * `args` are added to the command line (e.g. the `--slurm-*` flags of a cluster's executor).
 */
export async function startLineageServer(
  options: { args?: readonly string[]; port?: number } = {},
): Promise<LineageServer> {
  const args = options.args ?? [];
  const port = String(options.port ?? 0);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "tsematic-notebooks-"));
  const cli = path.join(REPO_DIR, "server", "lib", "cli.js");
  const log = fs.openSync(path.join(home, "server.log"), "a");
  const child = spawn(
    process.execPath,
    [cli, "server", "--port", port, "--data-dir", home, "--gpus", "1", ...args],
    {
      stdio: ["ignore", log, log],
      env: { ...process.env, TSEMATIC_HOME: home },
    },
  );
  fs.closeSync(log);
  const info = await waitUntil(() => {
    const file = serverFile(home);
    return file && file.pid === child.pid ? file : undefined;
  }, 30_000);
  if (!info) {
    child.kill("SIGKILL");
    const output = fs.readFileSync(path.join(home, "server.log"), "utf8");
    fs.rmSync(home, { recursive: true, force: true });
    throw new Error(`the lineage server did not start within 30 s:\n${output}`);
  }
  const token = fs.readFileSync(path.join(home, "token"), "utf8").trim();
  return { home, url: info.url, token, stop: () => stopServersIn(home, child.pid) };
}

/** The report as a test failure message: each failing cell with its source and stderr. */
export function formatReport(report: NotebookReport): string {
  if (report.setupError) {
    return `${report.notebook} could not run: ${report.setupError}\n${report.log}`;
  }
  const lines = [
    `${path.relative(process.cwd(), report.notebook)}: ${report.ok ? "passed" : "FAILED"}` +
      ` in ${(report.durationMs / 1000).toFixed(1)} s; executed notebook: ${report.executed}`,
  ];
  for (const f of report.failures) {
    if (f.harness === "check" && report.failures.length > 1) continue;
    lines.push(`--- ${f.harness ? `harness ${f.harness} cell` : `cell [${f.index}]`}: ${f.status}`);
    if (!f.harness) lines.push(f.source);
    if (f.stderr) lines.push("stderr:", f.stderr.trimEnd());
    if (f.error && (f.status !== "error" || !f.stderr)) lines.push("error:", f.error.trimEnd());
  }
  return lines.join("\n");
}

/** A code or markdown cell, for notebooks written by tests. */
export type CellSpec = string | { markdown: string };

/** Writes a tslab notebook with the given cells (strings are code cells); returns its path. */
export function writeNotebook(file: string, cells: CellSpec[]): string {
  const toSource = (text: string) => text.split(/(?<=\n)/);
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "tslab", display_name: "TypeScript (tslab)", language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: cells.map((cell, i) =>
      typeof cell === "string"
        ? {
            cell_type: "code",
            id: `cell-${i}`,
            metadata: {},
            execution_count: null,
            outputs: [],
            source: toSource(cell),
          }
        : { cell_type: "markdown", id: `cell-${i}`, metadata: {}, source: toSource(cell.markdown) },
    ),
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(notebook, null, 1) + "\n");
  return file;
}

/** The tutorial notebooks, in order. */
export function tutorialNotebooks(): string[] {
  return fs
    .readdirSync(TUTORIALS_DIR)
    .filter((name) => /^\d\d-.*\.ipynb$/.test(name))
    .sort()
    .map((name) => path.join(TUTORIALS_DIR, name));
}
