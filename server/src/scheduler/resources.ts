/**
 * Refusing a resource request that an executor can never satisfy, before anything runs, with the
 * one message users see (contract: "resources_unsatisfiable").
 */
import type { Executor } from "../executors/types";
import { ApiError } from "../http/errors";
import type { ResourceRequest } from "../model/events";

/** What admission counts when a field is unset: 1 CPU, no memory reservation, no GPU. */
export function admitted(r: ResourceRequest): Required<ResourceRequest> {
  return { cpus: r.cpus ?? 1, memoryMiB: r.memoryMiB ?? 0, gpus: r.gpus ?? 0 };
}

const show = (r: ResourceRequest): string => {
  const a = admitted(r);
  return `cpus: ${a.cpus}, memoryMiB: ${a.memoryMiB}, gpus: ${a.gpus}`;
};

/**
 * Throws 422 `resources_unsatisfiable` when `executor` can never give `stepName` what it asks.
 *
 * @example
 * ```ts
 * checkSatisfiable(local, "train", { cpus: 64 });
 * // 422: step "train" asks for cpus: 64, memoryMiB: 0, gpus: 0; the largest the local executor can
 * // give is cpus: 2, ...
 * ```
 */
export function checkSatisfiable(
  executor: Executor,
  stepName: string,
  resources: ResourceRequest,
): void {
  const refusal = executor.validate(resources);
  if (!refusal) return;
  // A cluster's limit is its largest node (named), a machine's the server's flags.
  const tail = refusal.where
    ? `the largest the ${executor.name} executor has is ${refusal.where} (${show(refusal.largest)}): ` +
      "lower the request to fit one node"
    : `the largest the ${executor.name} executor can give is ${show(refusal.largest)}: lower the ` +
      "request, or raise the executor's limits (tsematic serve --cpus N --memory-mib N --gpus N)";
  throw ApiError.unprocessable(
    "resources_unsatisfiable",
    `step "${stepName}" asks for ${show(resources)}; ${tail}`,
  );
}
