/**
 * A promoted (cloud) run as the extension keeps it: enough to follow and cancel it, all of it
 * plain data that survives a page reload (the layout restorer's command arguments).
 *
 * @example
 * ```ts
 * promotedRunOf({ rootId: "r-1", serverUrl: "http://127.0.0.1:8765", stepName: "train" });
 * // { rootId: "r-1", serverUrl: "http://127.0.0.1:8765", stepName: "train", executor: "cloud" }
 * ```
 */
import type { ReadonlyPartialJSONObject } from "@lumino/coreutils";

/** What the panel needs to follow a promoted run; all of it survives a reload (restorer args). */
export interface IPromotedRun {
  readonly rootId: string;
  /** The lineage server the kernel submitted to. */
  readonly serverUrl: string;
  readonly stepName: string;
  readonly executor: string;
}

/** Reads a promoted run from command arguments; null when one is missing. */
export function promotedRunOf(args: ReadonlyPartialJSONObject): IPromotedRun | null {
  const text = (key: string): string => (typeof args[key] === "string" ? String(args[key]) : "");
  const rootId = text("rootId");
  if (!rootId) {
    return null;
  }
  return {
    rootId,
    serverUrl: text("serverUrl"),
    stepName: text("stepName") || rootId.slice(0, 8),
    executor: text("executor") || "cloud",
  };
}
