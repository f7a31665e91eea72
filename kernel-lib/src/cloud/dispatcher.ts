/**
 * The HTTP side of dispatch: a dispatched run becomes a job (`POST /runs/{id}/jobs`), is watched
 * with long polls (`GET /runs/{id}/job?waitMs=25000`) and settles with its output artifact or its
 * recorded error. Also answers the runner's replay question (`GET /runs/{id}`) for durable ids.
 */
import type { ErrorInfo, ResourceRequest } from "../events";
import type { DispatchOutcome, DispatchRequest, Dispatcher, PriorRun } from "../runner/dispatch";
import { ServerClient, ServerRefusedError } from "../tracking/http";
import { retryWhileUnavailable } from "../tracking/retry";
import { fetchArtifact } from "./artifacts";
import { jobEnded, jobOf, type Job, type LocalProject, type RunDetail } from "./jobs";

/** How long one long poll waits on the server (below the client's request timeout). */
const WAIT_MS = 25_000;
/**
 * While someone waits to hear that a queued job started: the server's long poll answers only
 * when the job ended, so a short wait shows the start within half a second.
 */
const START_WAIT_MS = 500;

export interface HttpDispatcherOptions {
  executor: string;
  packageId: string;
  namespace: string;
  localProject?: LocalProject;
  /** How long to keep retrying an unreachable server. */
  giveUpMs?: number;
}

/** One server's jobs for one resolution. */
export class HttpDispatcher implements Dispatcher {
  /**
   * The long polls' own client: a long poll holds one of a client's request slots until its job
   * ends, and on the resolution's client a fan-out's polls would hold every slot, so that the next
   * dispatches and the event uploads waited for jobs to end (measured: 100 dispatches took 2 s).
   */
  private readonly polls: ServerClient;

  constructor(
    private readonly client: ServerClient,
    private readonly options: HttpDispatcherOptions,
  ) {
    this.polls = new ServerClient(client.endpoint);
  }

  async dispatch(
    request: DispatchRequest,
    signal: AbortSignal,
    onRunning?: () => void,
  ): Promise<DispatchOutcome> {
    const giveUp = this.options.giveUpMs ?? 60_000;
    await retryWhileUnavailable(
      async () => {
        await this.client.json<unknown>("POST", `/runs/${request.runId}/jobs`, {
          packageId: this.options.packageId,
          stepName: request.stepName,
          inputs: request.inputs,
          resources: request.resources,
          ...(request.cacheKey !== undefined ? { cacheKey: request.cacheKey } : {}),
          ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
          ...(request.maxParallelism !== undefined
            ? { maxParallelism: request.maxParallelism }
            : {}),
          ...(request.cache === false ? { cache: false } : {}),
          executor: this.options.executor,
          namespace: this.options.namespace,
          ...(this.options.localProject ? { localProject: this.options.localProject } : {}),
        });
      },
      giveUp,
      () => `run ${request.runId} ("${request.stepName}") could not be dispatched`,
    );
    const job = await this.waitForEnd(request.runId, signal, onRunning);
    if (!job) return { state: "canceled", reason: "the run was canceled while its job ran" };
    return this.outcome(request.runId, request.stepName, job);
  }

  /**
   * Long-polls the run's job until it ended for good; undefined when `signal` aborted first.
   * `onRunning` hears once that the job runs (or ended: it ran, however briefly).
   */
  async waitForEnd(
    runId: string,
    signal?: AbortSignal,
    onRunning?: () => void,
  ): Promise<Job | undefined> {
    let toldRunning = onRunning === undefined;
    for (;;) {
      if (signal?.aborted) return undefined;
      let job: Job | undefined;
      const waitMs = toldRunning ? WAIT_MS : START_WAIT_MS;
      await retryWhileUnavailable(
        async () => {
          const res = await this.polls.request("GET", `/runs/${runId}/job?waitMs=${waitMs}`, {
            timeoutMs: waitMs + 30_000,
          });
          job = jobOf(await res.json());
        },
        this.options.giveUpMs ?? 60_000,
        () => `the job of run ${runId} could not be watched`,
      );
      if (!toldRunning && job!.state !== "queued") {
        toldRunning = true;
        onRunning!();
      }
      if (jobEnded(job!)) return job;
    }
  }

  /** What an ended job means for its run. */
  async outcome(runId: string, stepName: string, job: Job): Promise<DispatchOutcome> {
    if (job.state === "succeeded" && job.outputArtifactId) {
      return {
        state: "resolved",
        artifact: await fetchArtifact(this.client, job.outputArtifactId),
      };
    }
    let detail: RunDetail["run"] | undefined;
    try {
      detail = (await this.client.json<RunDetail>("GET", `/runs/${runId}`)).run;
    } catch (error) {
      // A submitted root whose driver failed before it created the root run.
      if (!(error instanceof ServerRefusedError && /failed with 404/.test(error.message))) {
        throw error;
      }
    }
    if (job.state === "canceled" && !detail?.error) {
      return {
        state: "canceled",
        reason: job.failure?.message ?? "its job was canceled",
      };
    }
    const error: ErrorInfo = detail?.error ?? {
      name: "WorkerFailedError",
      message: job.failure?.message ?? `the job of "${stepName}" ended ${job.state}`,
      stepName,
      path: [stepName],
      runId,
      ...(job.failure ? { failure: job.failure } : {}),
    };
    return {
      state: "failed",
      error: error.failure || !job.failure ? error : { ...error, failure: job.failure },
    };
  }

  priorRun(runId: string): Promise<PriorRun | undefined> {
    return priorRunOf(this.client, runId);
  }
}

/** What the server knows of a run with a durable id: state, inputs, and its output's bytes. */
export async function priorRunOf(
  client: ServerClient,
  runId: string,
): Promise<PriorRun | undefined> {
  let detail: RunDetail | undefined;
  try {
    detail = await client.json<RunDetail>("GET", `/runs/${runId}`);
  } catch (error) {
    if (error instanceof ServerRefusedError && /failed with 404/.test(error.message)) {
      return undefined;
    }
    throw error;
  }
  const inputs: Record<string, string> = {};
  for (const port of detail.inputs) inputs[port.name] = port.artifact.id;
  const out = detail.outputs.find((o) => o.name === "output") ?? detail.outputs[0];
  const prior: PriorRun = { state: detail.run.state, inputs };
  if (detail.run.state === "resolved" && out) {
    prior.output = await fetchArtifact(client, out.artifact.id, out.artifact);
  }
  return prior;
}

/**
 * Asks the executor whether it can ever give each step what it asks for: an impossible request is
 * refused (422 `resources_unsatisfiable`, naming the step) before anything runs.
 */
export async function validateSteps(
  client: ServerClient,
  executor: string,
  steps: Array<{ name: string; resources: ResourceRequest }>,
): Promise<void> {
  if (steps.length === 0) return;
  await client.json("POST", `/executors/${encodeURIComponent(executor)}/validate`, { steps });
}
