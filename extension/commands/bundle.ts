/**
 * The run bundle kernel-lib displays in a notebook cell's output (`await pipeline(...)`), read only
 * as far as the commands need it: which root run a cell started, where, and whether it ended.
 */

import { RUN_VIEW_MIME_TYPE } from "../mime/mime-type";

/** kernel-lib's run view MIME type (openapi.yaml's RunViewMimeType, version 1). */
export { RUN_VIEW_MIME_TYPE };

/** The root run a cell's output shows. */
export interface IRunBundleRef {
  readonly rootId: string;
  /** The lineage server the kernel reported to, when it tracked the run. */
  readonly serverUrl: string | null;
  /** The root run's state in the latest update of the output. */
  readonly state: string | null;
  /** The output will not change any more: the run ended (or the kernel stopped updating it). */
  readonly final: boolean;
}

/** The part of an output area model this module reads (IOutputAreaModel fits). */
export interface IOutputList {
  readonly length: number;
  get(index: number): { readonly data: Readonly<Record<string, unknown>> } | undefined;
}

/**
 * The last run bundle among a cell's outputs, or null when the cell shows none.
 *
 * @example
 * ```ts
 * const ref = runBundleIn(cell.model.outputs);
 * if (ref && !ref.final) await cancelRootRun(client, ref.rootId);
 * ```
 */
export function runBundleIn(outputs: IOutputList | null | undefined): IRunBundleRef | null {
  if (!outputs) {
    return null;
  }
  for (let index = outputs.length - 1; index >= 0; index--) {
    const ref = parseRunBundle(outputs.get(index)?.data[RUN_VIEW_MIME_TYPE]);
    if (ref) {
      return ref;
    }
  }
  return null;
}

/** A bundle's root run, or null when `value` is not a version 1 run bundle with a root id. */
export function parseRunBundle(value: unknown): IRunBundleRef | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return null;
  }
  const bundle = value as Record<string, unknown>;
  if (bundle.version !== 1 || typeof bundle.rootId !== "string" || bundle.rootId === "") {
    return null;
  }
  return {
    rootId: bundle.rootId,
    serverUrl: typeof bundle.serverUrl === "string" && bundle.serverUrl ? bundle.serverUrl : null,
    state: typeof bundle.state === "string" ? bundle.state : null,
    final: bundle.final === true,
  };
}
