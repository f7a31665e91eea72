/**
 * The failure class of a run that failed because its job did (out of memory, killed, timed out,
 * lost for good, ...): `error.failure` of the run, written by the server's scheduler. The step panel
 * shows which class, what happened and what to change above the error's stack.
 *
 * @example
 * ```ts
 * const view = failureView(run.error);
 * if (view) panel.addWidget(new Widget({ node: failureBlock(view) }));
 * // view.title: "Out of memory"; view.hint: "raise the step's resources.memoryMiB above 912"
 * ```
 */
import type * as wire from "../wire";
import type { IRunError } from "./api";
import { factList } from "./dom";

/** `JobFailure` in the OpenAPI file (generated into ../wire.ts). */
export type IJobFailure = wire.JobFailure;

/** What the panel shows of a failure. */
export interface IFailureView {
  readonly kind: string;
  /** The class in words, e.g. "Out of memory". */
  readonly title: string;
  readonly message: string;
  readonly hint: string;
  /** Exit code, signal, memory asked vs used, timeout: the facts the failure has. */
  readonly facts: ReadonlyArray<readonly [string, string]>;
}

/** A title for every failure class: one added to openapi.yaml fails to compile here until named. */
const TITLES: Record<wire.FailureKind, string> = {
  "step-error": "Step error",
  "exit-code": "Worker exited with an error",
  signal: "Worker killed by a signal",
  "out-of-memory": "Out of memory",
  timeout: "Timed out",
  "node-failure": "Node failure",
  preempted: "Preempted",
  canceled: "Canceled",
  lost: "Worker lost",
};

/**
 * The failure class of a run's error, or null when it has none (a step's own error, or a server
 * from before cloud runs). Read defensively: the error is JSON from the server.
 */
export function failureView(error: IRunError | null | undefined): IFailureView | null {
  const failure = (error as { failure?: unknown } | null | undefined)?.failure;
  if (failure === null || typeof failure !== "object") {
    return null;
  }
  const f = failure as Partial<IJobFailure>;
  if (typeof f.kind !== "string" || typeof f.message !== "string") {
    return null;
  }
  const facts: Array<[string, string]> = [];
  if (typeof f.exitCode === "number") {
    facts.push(["exit code", String(f.exitCode)]);
  }
  if (typeof f.signal === "string" && f.signal) {
    facts.push(["signal", f.signal]);
  }
  if (f.memory && typeof f.memory.askedMiB === "number" && typeof f.memory.usedMiB === "number") {
    facts.push(["memory", `asked ${f.memory.askedMiB} MiB, used ${f.memory.usedMiB} MiB at peak`]);
  }
  if (typeof f.timeoutMs === "number") {
    facts.push(["timeout", `${f.timeoutMs} ms`]);
  }
  return {
    kind: f.kind,
    title: TITLES[f.kind] ?? f.kind,
    message: f.message,
    hint: typeof f.hint === "string" ? f.hint : "",
    facts,
  };
}

/** The failure as the panel shows it: the class and what happened, what to do, then the facts. */
export function failureBlock(view: IFailureView): HTMLElement {
  const node = document.createElement("div");
  node.className = `jp-TsematicStep-failure jp-mod-${view.kind}`;
  // The class and the words around it apart from what the server wrote: the message and the hint
  // name this one job (its id, its output file), the class and the labels do not.
  const title = document.createElement("div");
  title.className = "jp-TsematicStep-failureTitle";
  title.append(
    span("jp-TsematicStep-failureClass", view.title),
    ": ",
    span("jp-TsematicStep-failureMessage", view.message),
  );
  node.appendChild(title);
  if (view.hint) {
    const hint = document.createElement("div");
    hint.className = "jp-TsematicStep-failureHint";
    hint.append("What to do: ", span("jp-TsematicStep-failureAdvice", view.hint));
    node.appendChild(hint);
  }
  if (view.facts.length > 0) {
    node.appendChild(factList(view.facts));
  }
  return node;
}

function span(className: string, text: string): HTMLElement {
  const node = document.createElement("span");
  node.className = className;
  node.textContent = text;
  return node;
}
