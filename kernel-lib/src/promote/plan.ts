/**
 * The plan of a promotion, what JupyterLab's dialog shows before anything is submitted: the
 * executor and whether the lineage server can reach it, the steps that run as jobs with their
 * resources, the package's size and files, and any packaging error with its cell.
 */
import type { ResourceRequest } from "../events";
import type { BuiltPackage } from "../package";
import type { ServerClient } from "../tracking/http";
import { awaitedCall, type AwaitedCall } from "./call";
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

/** A step that runs as a job of its own. */
export interface RemoteStep {
  name: string;
  /** `driver`: the submitted root, which resolves the pipeline; `job`: a step that declares resources or `remote`. */
  role: "driver" | "job";
  resources: ResourceRequest;
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
  };
  steps: RemoteStep[];
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
 * plan.steps; // [{ name: "pipeline", role: "driver", ... }, { name: "train", role: "job", resources: { gpus: 1 } }]
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
    executor: { name: executorName, reachable: false, problem: null, serverUrl: null },
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
    plan.steps = remoteSteps(pkg, call);
    if (call !== null && typeof call !== "string" && !plan.steps.some((s) => s.role === "driver")) {
      plan.errors.push({
        message: `cell ${plan.cell}: \`${call.callee}\` is not a step of the package: the call must be a step defined with func() in a cell above`,
        cell: plan.cell,
        line: call.line,
      });
    }
  }
  await checkExecutor(plan, client);
  return plan;
}

/** The root (driver) and every step that declares resources or `remote`, as the package lists them. */
function remoteSteps(pkg: BuiltPackage, call: AwaitedCall | string): RemoteStep[] {
  const root = typeof call === "string" ? null : call.callee.split(".").pop()!;
  const steps: RemoteStep[] = [];
  for (const step of pkg.manifest.steps) {
    if (step.name === root) {
      steps.unshift({ name: step.name, role: "driver", resources: step.resources ?? {} });
    } else if (step.resources || step.remote) {
      steps.push({ name: step.name, role: "job", resources: step.resources ?? {} });
    }
  }
  return steps;
}

/** Whether the server has the executor, and whether it can ever give each step's resources. */
async function checkExecutor(
  plan: PromotionPlan,
  client: () => Promise<ServerClient>,
): Promise<void> {
  const executor = plan.executor;
  try {
    const server = await client();
    executor.serverUrl = server.url;
    const { executors } = await server.json<{ executors: { name: string }[] }>("GET", "/executors");
    if (!executors.some((e) => e.name === executor.name)) {
      const names = executors.map((e) => e.name).join(", ") || "none";
      executor.problem =
        `the lineage server at ${server.url} has no "${executor.name}" executor (it has: ${names}): ` +
        "choose another in Settings › Tsematic › Default executor, or start the server with it (see the README)";
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
