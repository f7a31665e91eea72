/**
 * Why a step run was canceled, read from what the lineage server recorded: the runs of its root,
 * the data flows into it (recorded before its inputs were awaited, so a run canceled because an
 * input failed still has them) and whether a user asked the root to cancel. kernel-lib cancels a
 * run when one of its inputs failed (Sematic's rule: such a run never runs), when its parent ended
 * before it, and when the whole resolution is canceled (a cancel request, the caller's signal).
 *
 * @example
 * ```ts
 * const cause = cancelCause("sum", graph, false);
 * cause.kind; // "input-failed"
 * cause.runId; // the failed input's run, to link
 * ```
 */
import type { RunGraphData } from "../graph/model";

/** What canceled a run, with the run to link (absent when no run is to blame). */
export interface ICancelCause {
  readonly kind: "input-failed" | "user" | "input-canceled" | "parent-ended" | "process";
  /** One sentence for the step panel, naming the cause. */
  readonly text: string;
  /** The run that caused it (the failed input's run, the root, the parent). */
  readonly runId?: string;
  /** That run's step name, the text of its link. */
  readonly stepName?: string;
}

const FAILED = new Set(["failed", "nested-failed"]);
const ENDED = new Set(["resolved", "failed", "nested-failed", "canceled"]);

/**
 * The cause of the cancellation of run `runId` of `graph`: a failed input first (the most precise
 * cause), then a cancel a user requested for the root, then a canceled input, then the parent that
 * ended before it; else the process that resolved the pipeline stopped it (its AbortSignal, an
 * interrupted or restarted kernel).
 */
export function cancelCause(
  runId: string,
  graph: RunGraphData,
  cancelRequested: boolean,
): ICancelCause {
  const inputs = graph.edges
    .filter((edge) => edge.to === runId && edge.kind !== "awaited")
    .map((edge) => ({ edge, run: graph.runs.get(edge.from) }))
    .filter((input) => input.run !== undefined);
  const describe = (input: (typeof inputs)[number]): string =>
    input.edge.parameter ? `its input "${input.edge.parameter}"` : "one of its inputs";
  const failed = inputs.find((input) => FAILED.has(input.run!.state));
  if (failed) {
    return {
      kind: "input-failed",
      text:
        `Canceled before it ran: ${describe(failed)} comes from ${failed.run!.name}, which ` +
        `${failed.run!.state === "failed" ? "failed" : "failed inside"}. A step whose input failed never runs.`,
      runId: failed.run!.id,
      stepName: failed.run!.name,
    };
  }
  const root = graph.runs.get(graph.rootId);
  if (cancelRequested) {
    return root === undefined || root.id === runId
      ? { kind: "user", text: "Canceled by a user: a cancel of this pipeline was requested." }
      : {
          kind: "user",
          text: `Canceled by a user: a cancel of the pipeline ${root.name} was requested.`,
          runId: root.id,
          stepName: root.name,
        };
  }
  const canceled = inputs.find((input) => input.run!.state === "canceled");
  if (canceled) {
    return {
      kind: "input-canceled",
      text: `Canceled before it ran: ${describe(canceled)} comes from ${canceled.run!.name}, which was canceled.`,
      runId: canceled.run!.id,
      stepName: canceled.run!.name,
    };
  }
  const parent = graph.runs.get(graph.runs.get(runId)?.parentId ?? "");
  if (parent !== undefined && ENDED.has(parent.state)) {
    return {
      kind: "parent-ended",
      text: `Canceled because its parent ${parent.name} ended (${parent.state}) before it did.`,
      runId: parent.id,
      stepName: parent.name,
    };
  }
  return {
    kind: "process",
    text:
      "Canceled by the process that ran the pipeline (its AbortSignal, or the kernel was " +
      "interrupted or restarted); no cancel was requested on the lineage server.",
  };
}
