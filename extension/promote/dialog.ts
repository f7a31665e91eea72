/**
 * The body of the "Run Pipeline on Cluster" dialog: where the run goes (the executor, whether the
 * lineage server can reach it, and the URL its jobs report to), every step of the package with where it runs (the driver, a job
 * of its own, inline), its resources, time and retries, what the code package holds, and any
 * packaging error with a link that activates its cell.
 *
 * @example
 * ```ts
 * const body = new PromotionPlanBody({ plan, onJump: (cell) => activate(cell - 1) });
 * const dialog = new Dialog({ title: "Run Pipeline on Cluster", body, buttons });
 * ```
 */
import { Widget } from "@lumino/widgets";

import {
  formatLimits,
  formatResources,
  formatRole,
  formatSize,
  type IPromotionPlan,
} from "./protocol";

export class PromotionPlanBody extends Widget {
  constructor(options: PromotionPlanBody.IOptions) {
    super();
    this.addClass("jp-TsematicPromote");
    const { plan, onJump } = options;
    const doc = this.node.ownerDocument;
    const section = (title: string, className: string): HTMLElement => {
      const node = doc.createElement("section");
      node.className = `jp-TsematicPromote-section ${className}`;
      const heading = doc.createElement("h3");
      heading.textContent = title;
      node.append(heading);
      this.node.append(node);
      return node;
    };

    const what = doc.createElement("p");
    what.className = "jp-TsematicPromote-call";
    what.textContent = plan.call
      ? `Cell ${plan.cell} runs ${plan.call.expression} detached on the server: the notebook may close meanwhile.`
      : `Cell ${plan.cell} awaits no pipeline call.`;
    this.node.append(what);

    const executor = section("Executor", "jp-TsematicPromote-executor");
    const line = doc.createElement("p");
    const name = doc.createElement("strong");
    name.textContent = plan.executor.name;
    const state = doc.createElement("span");
    state.className = plan.executor.reachable ? "jp-mod-reachable" : "jp-mod-unreachable";
    state.textContent = plan.executor.reachable
      ? ` · reachable from ${plan.executor.serverUrl ?? "the lineage server"}`
      : " · not reachable";
    line.append(name, state);
    executor.append(line);
    if (plan.executor.problem) {
      const problem = doc.createElement("p");
      problem.className = "jp-TsematicPromote-problem";
      problem.textContent = plan.executor.problem;
      executor.append(problem);
    }
    executor.append(...nodeUrlLines(doc, plan.executor));

    if (plan.errors.length > 0) {
      const errors = section("Packaging errors", "jp-TsematicPromote-errors");
      const list = doc.createElement("ul");
      for (const error of plan.errors) {
        const item = doc.createElement("li");
        if (error.cell !== null) {
          const cell = error.cell;
          const link = doc.createElement("button");
          link.type = "button";
          link.className = "jp-TsematicPromote-cellLink";
          link.textContent = `Cell ${cell}${error.line !== null ? `, line ${error.line}` : ""}`;
          link.title = `Go to cell ${cell}`;
          link.addEventListener("click", () => onJump(cell));
          item.append(link, doc.createTextNode(" "));
        }
        const message = doc.createElement("span");
        message.textContent = error.message;
        item.append(message);
        list.append(item);
      }
      errors.append(list);
    }

    if (plan.steps.length > 0) {
      const steps = section("Steps", "jp-TsematicPromote-steps");
      const table = doc.createElement("table");
      const head = table.createTHead().insertRow();
      for (const title of ["Step", "Runs as", "Resources", "Time and retries"]) {
        const cell = doc.createElement("th");
        cell.textContent = title;
        head.append(cell);
      }
      const body = table.createTBody();
      for (const step of plan.steps) {
        const row = body.insertRow();
        row.dataset.step = step.name;
        row.dataset.role = step.role;
        row.insertCell().textContent = step.name;
        row.insertCell().textContent = formatRole(step.role);
        // An inline step takes what its caller's process has: its resources are not its own.
        row.insertCell().textContent =
          step.role === "inline" ? "its caller's" : formatResources(step.resources);
        row.insertCell().textContent = formatLimits(step) || "—";
      }
      steps.append(table);
      const note = doc.createElement("p");
      note.className = "jp-TsematicPromote-note";
      note.textContent =
        "Every step of the package is listed, also those only called from inside other steps: " +
        "steps without resources run inline in the process of their caller.";
      steps.append(note);
    }

    if (plan.package) {
      const pkg = section("Code package", "jp-TsematicPromote-package");
      const summary = doc.createElement("p");
      summary.textContent =
        `${formatSize(plan.package.size)} · ${plan.package.files.length} files · ` +
        `cells 1–${plan.cell} · id ${plan.package.id.slice(0, 12)}`;
      pkg.append(summary);
      const details = doc.createElement("details");
      const label = doc.createElement("summary");
      label.textContent = "Contents";
      const files = doc.createElement("ul");
      for (const file of plan.package.files) {
        const item = doc.createElement("li");
        item.textContent = `${file.path} (${formatSize(file.size)})`;
        files.append(item);
      }
      details.append(label, files);
      pkg.append(details);
    }
  }
}

/**
 * Where the run's jobs will call the lineage server back, and the other URLs the server allows;
 * or, for a chosen URL it does not allow, the problem (naming the allowed URLs and what to do).
 */
function nodeUrlLines(doc: Document, executor: IPromotionPlan["executor"]): HTMLElement[] {
  const lines: HTMLElement[] = [];
  if (executor.nodeUrl !== null) {
    const line = doc.createElement("p");
    line.className = "jp-TsematicPromote-nodeUrl";
    const url = doc.createElement("code");
    url.textContent = executor.nodeUrl;
    line.append("Its jobs report to the lineage server at ", url);
    const others = executor.nodeUrls.filter((u) => u !== executor.nodeUrl);
    if (others.length > 0) {
      line.append(
        ` (the server also allows ${others.join(", ")}: Settings › Tsematic › Cluster node URL chooses).`,
      );
    }
    lines.push(line);
  }
  if (executor.nodeUrlProblem) {
    const problem = doc.createElement("p");
    problem.className = "jp-TsematicPromote-problem jp-TsematicPromote-nodeUrlProblem";
    problem.textContent = executor.nodeUrlProblem;
    lines.push(problem);
  }
  return lines;
}

export namespace PromotionPlanBody {
  export interface IOptions {
    plan: IPromotionPlan;
    /** Called with a 1-based cell position (markdown counted) when its link is clicked. */
    onJump: (cell: number) => void;
  }
}
