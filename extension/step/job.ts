/**
 * Where a step ran: the job of a dispatched run (or of a submitted root), from
 * `GET /api/v1/runs/{id}/job` (the latest attempt, following requeues): its id, executor, state,
 * attempt, infrastructure retries (earlier attempts lost and requeued, counted apart from the
 * step's own `retry`), the worker's pid and host, the node and id its cluster gave it (Slurm) and,
 * while its cluster has not started it, the reason the cluster gives (Slurm: "Resources",
 * "Priority"). A run that ran inline has no job: the section stays hidden.
 *
 * @example
 * ```ts
 * const section = new JobSection(api);
 * panel.addWidget(new Widget({ node: section.node }));
 * section.sync(detail.run); // fetches again when the run's state or attempt changed
 * ```
 */
import type * as wire from "../wire";
import type { StepApi } from "./api";
import { factList } from "./dom";

/** How often the section reads a queued job again, or the missing job of a scheduled run. */
const QUEUED_REREAD_MS = 5_000;

/** `Job` in the OpenAPI file. */
export type IJob = wire.Job;

/** The facts of a job, in the order the panel lists them. Read defensively: JSON from the server. */
export function jobFacts(job: IJob): Array<[string, string]> {
  const facts: Array<[string, string]> = [
    ["job", String(job.id)],
    ["executor", String(job.executor)],
    ["job state", String(job.state)],
    ["attempt", String(job.attempt)],
  ];
  const attempt = typeof job.attempt === "number" ? job.attempt : 1;
  facts.push([
    "infrastructure retries",
    attempt > 1 ? `${attempt - 1} (earlier workers were lost)` : "0",
  ]);
  const handle = job.handle;
  if (handle && typeof handle.pid === "number") {
    facts.push(["pid", String(handle.pid)]);
  }
  if (handle && typeof handle.host === "string" && handle.host) {
    facts.push(["host", handle.host]);
  }
  if (handle && typeof handle.node === "string" && handle.node && handle.node !== handle.host) {
    facts.push(["node", handle.node]);
  }
  if (handle && typeof handle.externalId === "string" && handle.externalId) {
    facts.push(["external id", handle.externalId]);
  }
  // Why the cluster has not started it: the answer to "why is my step not running?".
  if (job.state === "queued" && handle && typeof handle.pendingReason === "string") {
    if (handle.pendingReason) {
      facts.push(["pending", handle.pendingReason]);
    }
  }
  return facts;
}

/**
 * Whether the section reads the run's job again while the run's state stays as it is: a queued
 * job's pending reason changes while it waits (Slurm: "Priority", then "Resources"), and the job of
 * a run just scheduled may not exist yet when the new state is read (its resolver creates it a
 * moment after it records the state, and the run's state changes next only once the job runs).
 *
 * @example
 * ```ts
 * readsAgain(null, "scheduled"); // true: its job is on its way
 * readsAgain(null, "running"); // false: it runs inline, without a job
 * readsAgain(queuedJob, "scheduled"); // true: Slurm may give another reason
 * ```
 */
export function readsAgain(job: IJob | null, runState: string): boolean {
  return job === null ? runState === "scheduled" : job.state === "queued";
}

/** The run's latest job, or null when it has none (it ran inline). */
export async function fetchJob(
  api: Pick<StepApi, "serverUrl" | "token">,
  runId: string,
  fetchImpl: typeof fetch = fetch,
): Promise<IJob | null> {
  const response = await fetchImpl(
    `${api.serverUrl.replace(/\/$/, "")}/api/v1/runs/${encodeURIComponent(runId)}/job`,
    { headers: { Accept: "application/json", Authorization: `Bearer ${api.token}` } },
  );
  if (response.status === 404) {
    return null;
  }
  if (!response.ok) {
    throw new Error(`the job of run ${runId} could not be read: HTTP ${response.status}`);
  }
  const body = (await response.json()) as { job?: IJob } & IJob;
  return body.job && typeof body.job === "object" ? body.job : body;
}

/**
 * The "Where it ran" section of the step panel: a plain element (the panel wraps it in a widget),
 * so that this module loads without a DOM and its parts are tested in Node.
 */
export class JobSection {
  constructor(
    private readonly _api: Pick<StepApi, "serverUrl" | "token">,
    private readonly _fetch: typeof fetch = (input, init) => fetch(input, init),
  ) {
    this.node = document.createElement("div");
    this.node.className = "jp-TsematicStep-job";
    this.node.hidden = true;
  }

  readonly node: HTMLElement;

  /** Reads the run's job again when the run's state or attempt changed since the last read. */
  sync(run: { readonly id: string; readonly state: string; readonly attempt: number }): void {
    const key = `${run.id}:${run.state}:${run.attempt}`;
    if (key === this._key) {
      return;
    }
    this._key = key;
    this._read(run.id, run.state, key);
  }

  private _read(runId: string, runState: string, key: string): void {
    void fetchJob(this._api, runId, this._fetch).then(
      (job) => {
        if (this._key !== key) {
          return;
        } // a newer read is on its way
        this._show(job);
        if (readsAgain(job, runState) && this.node.isConnected) {
          setTimeout(() => {
            if (this._key === key) {
              this._read(runId, runState, key);
            }
          }, QUEUED_REREAD_MS);
        }
      },
      () => undefined, // Where it ran is a detail: the panel's other sections say what failed.
    );
  }

  private _show(job: IJob | null): void {
    if (job === null) {
      this.node.replaceChildren();
      this.node.hidden = true;
      return;
    }
    const title = document.createElement("div");
    title.className = "jp-TsematicStep-section";
    title.textContent = "Where it ran";
    this.node.replaceChildren(title, factList(jobFacts(job)));
    this.node.dataset.jobId = job.id;
    this.node.hidden = false;
  }

  private _key: string | null = null;
}
