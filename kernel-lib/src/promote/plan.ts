/**
 * The plan of a promotion, what JupyterLab's dialog shows before anything is submitted: the
 * executor, whether the lineage server can reach it and the URL its jobs will call back, every
 * step of the package with where it runs and its resources, the package's size and files, and any
 * packaging error with its cell.
 */
import type { ResourceRequest } from "../events";
import type { BuiltPackage } from "../package";
import type { ServerClient } from "../tracking/http";
import { awaitedCall, type AwaitedCall } from "./call";
import { callbackUrl } from "./node-url";
import {
  DEFAULT_PROMOTION_EXECUTOR,
  notebookFile,
  snapshotOf,
  type PromotionRequest,
} from "./request";

/** A problem the dialog shows; `cell` (1-based, markdown counted) links to the cell when known. */
export interface PromotionProblem {
  message: string;
  cell: number | null;
  line: number | null;
}

/**
 * A step of the package and where it will run. Every `func()` step the package defines is listed,
 * not only those the pipeline's body calls: graphs are dynamic (a step called in a loop, under a
 * condition, or only from inside another step still runs), so the package's steps are what can run.
 */
export interface PlannedStep {
  name: string;
  /**
   * `driver`: the submitted root, which resolves the pipeline; `job`: a step that declares
   * resources or `remote` (a job of its own); `inline`: runs in the process of the step that calls it.
   */
  role: "driver" | "job" | "inline";
  resources: ResourceRequest;
  /** Its `timeoutMs`, null when it declares none (or not as a literal). */
  timeoutMs: number | null;
  /** Its `retry`'s total tries, null when it declares none (one try). */
  attempts: number | null;
}

/** The plan (JSON) the kernel answers. */
export interface PromotionPlan {
  /** 1-based position of the pipeline's cell. */
  cell: number;
  call: AwaitedCall | null;
  executor: {
    name: string;
    /** The lineage server has this executor and it can give every step's resources. */
    reachable: boolean;
    /** Why not, and what to do. */
    problem: string | null;
    serverUrl: string | null;
    /** The URL the run's jobs will call the server back at; null when unknown or not allowed. */
    nodeUrl: string | null;
    /** The URLs the server lets this executor's jobs call back (`--public-url`), the default first. */
    nodeUrls: string[];
    /** The chosen node URL is not one of `nodeUrls`: what to do (submitting is refused). */
    nodeUrlProblem: string | null;
  };
  /** The driver first, then the steps that run as jobs, then the inline ones (each by name). */
  steps: PlannedStep[];
  package: { id: string; size: number; files: { path: string; size: number }[] } | null;
  errors: PromotionProblem[];
}

/**
 * Plans the promotion of `request`'s cell: packages the cells up to it (nothing is uploaded) and
 * asks the lineage server about the executor.
 *
 * @example
 * ```ts
 * const plan = await planPromotion({ notebookPath: "05.ipynb", cells, cellIndex: 6, executor: "local" }, client);
 * plan.steps; // [{ name: "pipeline", role: "driver", ... }, { name: "train", role: "job", resources: { gpus: 1 }, ... },
 *             //  { name: "normalize", role: "inline", resources: {}, timeoutMs: null, attempts: 3 }]
 * ```
 */
export async function planPromotion(
  request: PromotionRequest,
  client: () => Promise<ServerClient>,
): Promise<PromotionPlan> {
  const executorName = request.executor || DEFAULT_PROMOTION_EXECUTOR;
  const plan: PromotionPlan = {
    cell: request.cellIndex + 1,
    call: null,
    executor: {
      name: executorName,
      reachable: false,
      problem: null,
      serverUrl: null,
      nodeUrl: null,
      nodeUrls: [],
      nodeUrlProblem: null,
    },
    steps: [],
    package: null,
    errors: [],
  };
  const cell = request.cells[request.cellIndex];
  if (!cell || cell.cellType !== "code") {
    plan.errors.push({
      message: `cell ${plan.cell} is not a code cell: select the cell that awaits the pipeline`,
      cell: null,
      line: null,
    });
    return plan;
  }
  const call = await awaitedCall(cell.source);
  if (typeof call === "string") {
    plan.errors.push({ message: `cell ${plan.cell}: ${call}`, cell: plan.cell, line: null });
  } else {
    plan.call = call;
  }
  let pkg: BuiltPackage | null = null;
  try {
    const { buildPackage } = await import("../package");
    const snapshot = snapshotOf(request, notebookFile(request));
    pkg = await buildPackage(snapshot.path, { cells: snapshot.cells, upToCell: snapshot.upToCell });
  } catch (error) {
    plan.errors.push(...problemsOf(error));
  }
  if (pkg) {
    plan.package = {
      id: pkg.id,
      size: pkg.bytes.length,
      files: pkg.manifest.files.map((f) => ({ path: f.path, size: f.size })),
    };
    plan.steps = plannedSteps(pkg, call);
    if (call !== null && typeof call !== "string" && !plan.steps.some((s) => s.role === "driver")) {
      plan.errors.push({
        message: `cell ${plan.cell}: \`${call.callee}\` is not a step of the package: the call must be a step defined with func() in a cell above`,
        cell: plan.cell,
        line: call.line,
      });
    }
  }
  await checkExecutor(plan, request.nodeUrl, client);
  return plan;
}

/** Every step of the package, the root (driver) first, then the jobs, then the inline steps. */
function plannedSteps(pkg: BuiltPackage, call: AwaitedCall | string): PlannedStep[] {
  const root = typeof call === "string" ? null : call.callee.split(".").pop()!;
  const order = { driver: 0, job: 1, inline: 2 } as const;
  return pkg.manifest.steps
    .map((step): PlannedStep => {
      const resources = step.resources ?? {};
      const role = step.name === root ? "driver" : step.resources || step.remote ? "job" : "inline";
      return {
        name: step.name,
        role,
        resources,
        timeoutMs: step.timeoutMs ?? null,
        attempts: step.attempts ?? null,
      };
    })
    .sort((a, b) => order[a.role] - order[b.role] || (a.name < b.name ? -1 : 1));
}

/** What `GET /executors` says of one executor (the fields the plan reads). */
interface ExecutorInfo {
  name: string;
  nodeUrls?: string[];
  reachable?: boolean;
  problem?: string | null;
}

/**
 * Whether the server has the executor and reaches it now, where its jobs will call back, and
 * whether it can ever give each step's resources.
 */
async function checkExecutor(
  plan: PromotionPlan,
  requestedNodeUrl: string | undefined,
  client: () => Promise<ServerClient>,
): Promise<void> {
  const executor = plan.executor;
  try {
    const server = await client();
    executor.serverUrl = server.url;
    const { executors } = await server.json<{ executors: ExecutorInfo[] }>("GET", "/executors");
    const info = executors.find((e) => e.name === executor.name);
    if (!info) {
      const names = executors.map((e) => e.name).join(", ") || "none";
      executor.problem =
        `the lineage server at ${server.url} has no "${executor.name}" executor (it has: ${names}): ` +
        "choose another in Settings › Tsematic › Default executor, or start the server with it (see the README)";
      return;
    }
    executor.nodeUrls = info.nodeUrls ?? [];
    const callback = callbackUrl(requestedNodeUrl, executor.nodeUrls, {
      executor: executor.name,
      serverUrl: server.url,
    });
    executor.nodeUrl = callback.url;
    executor.nodeUrlProblem = callback.problem;
    if (info.reachable === false) {
      executor.problem =
        `the lineage server at ${server.url} cannot reach its ${executor.name} executor now: ` +
        `${info.problem ?? "no reason given"}`;
      return;
    }
    const steps = plan.steps
      .filter((s) => Object.keys(s.resources).length > 0)
      .map((s) => ({ name: s.name, resources: s.resources }));
    if (steps.length > 0) {
      await server.json("POST", `/executors/${encodeURIComponent(executor.name)}/validate`, {
        steps,
      });
    }
    executor.reachable = true;
  } catch (error) {
    executor.problem = (error as Error).message;
  }
}

/**
 * A packaging error as problems: each line that names a cell (`cell 4, line 2: ...`) is one,
 * linked to its cell; otherwise the whole message is one without a cell.
 */
export function problemsOf(error: unknown): PromotionProblem[] {
  const message = error instanceof Error ? error.message : String(error);
  const problems: PromotionProblem[] = [];
  for (const line of message.split("\n")) {
    const at = /^\s*cell (\d+)(?:, line (\d+))?:/.exec(line);
    if (at) {
      problems.push({
        message: line.trim(),
        cell: Number(at[1]),
        line: at[2] === undefined ? null : Number(at[2]),
      });
    } else if (problems.length > 0 && line.trim()) {
      problems[problems.length - 1]!.message += ` ${line.trim()}`;
    }
  }
  return problems.length > 0 ? problems : [{ message, cell: null, line: null }];
}
