/**
 * What "Run Pipeline on Cluster…" says to the kernel and reads back: the code it executes there
 * (calls of kernel-lib's `tsematic/lib/promote`, with the notebook's cells as JSON), and the one
 * answer line that code prints. The types mirror kernel-lib/src/promote (PromotionPlan, ...).
 *
 * @example
 * ```ts
 * const code = planCode(request);           // executed in the kernel, store_history: false
 * const answer = parseAnswer(streamText);    // { ok: true, answer: plan } or { ok: false, error }
 * ```
 */

/** The start of the answer line (kernel-lib's ANSWER_PREFIX). */
export const ANSWER_PREFIX = "TSEMATIC-PROMOTE ";

/** One cell of the notebook, in order (markdown cells count in positions). */
export interface IPromotionCell {
  readonly cellType: string;
  readonly source: string;
  readonly tags?: readonly string[];
}

/** The request (kernel-lib's PromotionRequest). */
export interface IPromotionRequest {
  readonly notebookPath: string;
  readonly cells: readonly IPromotionCell[];
  /** 0-based index of the cell that awaits the pipeline. */
  readonly cellIndex: number;
  readonly executor: string;
  /** Settings › Tsematic › Cluster node URL, when set: one of the executor's node URLs. */
  readonly nodeUrl?: string;
}

/** A problem of the plan; `cell` is 1-based (markdown counted), null when it names no cell. */
export interface IPromotionProblem {
  readonly message: string;
  readonly cell: number | null;
  readonly line: number | null;
}

/**
 * A step of the package (kernel-lib's PlannedStep): the driver, a job of its own, or inline in its
 * caller's process. Every step the package defines is listed, also one only called from inside
 * another step.
 */
export interface IPlannedStep {
  readonly name: string;
  readonly role: "driver" | "job" | "inline";
  readonly resources: Readonly<Record<string, number | undefined>>;
  readonly timeoutMs: number | null;
  readonly attempts: number | null;
}

/** The plan (kernel-lib's PromotionPlan). */
export interface IPromotionPlan {
  readonly cell: number;
  readonly call: { readonly callee: string; readonly expression: string } | null;
  readonly executor: {
    readonly name: string;
    readonly reachable: boolean;
    readonly problem: string | null;
    readonly serverUrl: string | null;
    /** The URL the run's jobs will call the lineage server back at; null when not allowed. */
    readonly nodeUrl: string | null;
    /** The URLs the server lets the executor's jobs call back (`--public-url`), the default first. */
    readonly nodeUrls: readonly string[];
    /** Why the chosen node URL cannot be used, and what to do. */
    readonly nodeUrlProblem: string | null;
  };
  readonly steps: readonly IPlannedStep[];
  readonly package: {
    readonly id: string;
    readonly size: number;
    readonly files: readonly { readonly path: string; readonly size: number }[];
  } | null;
  readonly errors: readonly IPromotionProblem[];
}

/** A submitted promotion (kernel-lib's PromotionSubmitted). */
export interface IPromotionSubmitted {
  readonly rootId: string;
  readonly serverUrl: string;
  readonly executor: string;
  readonly jobId: string;
}

export type IAnswer<T> =
  { readonly ok: true; readonly answer: T } | { readonly ok: false; readonly error: string };

/**
 * One awaited call: tslab runs a statement that starts with `await` as top-level await, not an
 * `await` nested in another (`await (await import(...)).f()` does not compile there).
 */
const IMPORT = 'await import("tsematic/lib/promote")';

/** The code that prints the plan of `request`. */
export function planCode(request: IPromotionRequest): string {
  return `${IMPORT}.then((m) => m.answerPlan(${JSON.stringify(request)}));`;
}

/**
 * The code that submits the pipeline: `expression` is the cell's own call (`pipeline(rows, 2)`),
 * so its arguments are evaluated in the kernel's scope, as the cell would evaluate them.
 */
export function submitCode(request: IPromotionRequest, expression: string): string {
  return (
    `${IMPORT}.then((m) => m.answerSubmit(${JSON.stringify(request)}, ` +
    `() => (\n${expression}\n)));`
  );
}

/** The answer in the execution's stream text, or null when it printed none. */
export function parseAnswer<T>(text: string): IAnswer<T> | null {
  const line = text.split("\n").find((l) => l.startsWith(ANSWER_PREFIX));
  if (line === undefined) {
    return null;
  }
  try {
    return JSON.parse(line.slice(ANSWER_PREFIX.length)) as IAnswer<T>;
  } catch {
    return null;
  }
}

/** A size for people: `812 B`, `14.2 KiB`, `3.1 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const kib = bytes / 1024;
  return kib < 1024 ? `${kib.toFixed(1)} KiB` : `${(kib / 1024).toFixed(1)} MiB`;
}

/** A step's resources for people: `2 CPUs · 512 MiB · 1 GPU`; empty: the executor's defaults. */
export function formatResources(resources: IPlannedStep["resources"]): string {
  const parts: string[] = [];
  const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? "" : "s"}`;
  if (resources.cpus !== undefined) {
    parts.push(plural(resources.cpus, "CPU"));
  }
  if (resources.memoryMiB !== undefined) {
    parts.push(`${resources.memoryMiB} MiB`);
  }
  if (resources.gpus !== undefined) {
    parts.push(plural(resources.gpus, "GPU"));
  }
  return parts.length > 0 ? parts.join(" · ") : "defaults (1 CPU)";
}

/** Where a step runs, for people. */
export function formatRole(role: IPlannedStep["role"]): string {
  return role === "driver" ? "driver (the pipeline)" : role === "job" ? "job" : "inline";
}

/**
 * A step's time budget and tries for people: `timeout 1 min · 3 attempts`; empty when it declares
 * neither (no timeout, one try).
 */
export function formatLimits(step: Pick<IPlannedStep, "timeoutMs" | "attempts">): string {
  const parts: string[] = [];
  if (step.timeoutMs !== null) {
    parts.push(`timeout ${formatDuration(step.timeoutMs)}`);
  }
  if (step.attempts !== null && step.attempts > 1) {
    parts.push(`${step.attempts} attempts`);
  }
  return parts.join(" · ");
}

/** `800 ms`, `45 s`, `1 min`, `1 min 30 s`, `2 h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${ms} ms`;
  }
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) {
    return `${seconds} s`;
  }
  if (seconds < 3600) {
    const rest = seconds % 60;
    return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ""}`;
  }
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ""}`;
}
