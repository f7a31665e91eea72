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
import * as path from "node:path";

/** The tutorials workspace folder (this file is compiled to tutorials/lib/). */
export const TUTORIALS_DIR = path.resolve(__dirname, "..");
export const EXECUTED_DIR = path.join(TUTORIALS_DIR, ".executed");
const EXECUTOR = path.join(TUTORIALS_DIR, "harness", "execute_notebook.py");
const PYTHON = "/usr/bin/python3";

export type CellStatus =
  | "ok"
  | "skipped"
  | "error"
  | "timeout"
  | "kernel-died"
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
    const child = spawn(PYTHON, args, { stdio: ["ignore", "pipe", "pipe"] });
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

/** The report as a test failure message: each failing cell with its source and stderr. */
export function formatReport(report: NotebookReport): string {
  if (report.setupError)
    return `${report.notebook} could not run: ${report.setupError}\n${report.log}`;
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
