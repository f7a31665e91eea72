/**
 * The lineage server's rerun route (`POST /api/v1/runs/{runId}/rerun`, server/openapi.yaml) and
 * what the rerun commands read around it: a root run with its input ports, an input's JSON value,
 * and why the server refused a rerun (its error code and the parameter it names).
 *
 * @example
 * ```ts
 * await checkRerun(client, rootId, { inputs: { lr: { value: 0.01 } } }); // the server validates
 * const answer = await requestRerun(client, rootId, { inputs: { lr: { value: 0.01 } } });
 * selection.select(answer.rootId);
 * ```
 */
import { type LineageClient, LineageServerError } from "../client";
import type * as wire from "../wire";

/** A replacement of one of the root's arguments: a JSON value, or a stored artifact. */
export type RerunInput = NonNullable<wire.RerunRequest["inputs"]>[string];

/**
 * The body of `POST /runs/{runId}/rerun` (`RerunRequest`): `from` a step run of the root ("rerun
 * from here"), `inputs` the arguments replaced by parameter name, `executor` (default: the one the
 * original root ran on), `cache` (default false: nothing is taken from the cache).
 */
export type IRerunRequest = Omit<wire.RerunRequest, "dryRun">;

/** The server's answer to a rerun (`RerunAnswer`): the new root run, which names the original. */
export type IRerunAnswer = Pick<wire.RerunAnswer, "rootId" | "rerunOf" | "from">;

/** Why the server refused a rerun, as its error body says. */
export interface IRerunRefusal {
  /** `no_package`, `bad_input`, `bad_from`, `not_a_root` (hyphens read as underscores). */
  readonly code: string;
  /** The parameter a `bad_input` names, without its `inputs.` prefix; empty when none. */
  readonly parameter: string;
  readonly message: string;
}

/** What a root run's record says about the run it was made from (`Root.rerunOf`). */
export type IRerunOf = NonNullable<wire.Root["rerunOf"]>;

/** Asks the server to validate a rerun (`dryRun: true`): resolves when it would accept it. */
export async function checkRerun(
  client: LineageClient,
  rootId: string,
  request: IRerunRequest,
): Promise<void> {
  await post(client, rootId, { ...request, dryRun: true });
}

/** Makes the rerun: a new root run, executed from the original's stored code package. */
export async function requestRerun(
  client: LineageClient,
  rootId: string,
  request: IRerunRequest,
): Promise<IRerunAnswer> {
  const body = (await post(client, rootId, request)) as Partial<IRerunAnswer> | null;
  if (!body || typeof body.rootId !== "string") {
    throw new Error(`The lineage server accepted the rerun of ${rootId} but named no new run.`);
  }
  return { rootId: body.rootId, rerunOf: body.rerunOf ?? rootId, from: body.from ?? null };
}

/** The refusal inside a failed rerun call, or null when it failed for another reason. */
export function rerunRefusal(error: unknown): IRerunRefusal | null {
  if (!(error instanceof LineageServerError) || error.kind !== "http" || !error.reason.code) {
    return null;
  }
  return {
    code: error.reason.code.replace(/-/g, "_"),
    parameter: (error.reason.parameter ?? "").replace(/^inputs\./, ""),
    message: error.detail || error.message,
  };
}

/**
 * The `rerunOf` of a run's record (`GET /runs/{id}`), wherever this server version puts it (the
 * run or its root's details); null for a run that is not a rerun.
 */
export function rerunOfRecord(record: unknown): IRerunOf | null {
  const object = (value: unknown): Record<string, unknown> | null =>
    typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  const top = object(record);
  const candidates = [top?.rerunOf, object(top?.root)?.rerunOf, object(top?.run)?.rerunOf];
  for (const candidate of candidates) {
    const found = object(candidate);
    if (found && typeof found.runId === "string") {
      return { runId: found.runId, from: typeof found.from === "string" ? found.from : null };
    }
  }
  return null;
}

async function post(
  client: LineageClient,
  rootId: string,
  body: wire.RerunRequest,
): Promise<unknown> {
  return client.requestJson(`/api/v1/runs/${encodeURIComponent(rootId)}/rerun`, {
    method: "POST",
    body,
    // The server stores the package's entry and queues the driver before it answers.
    timeoutMs: 30_000,
  });
}
