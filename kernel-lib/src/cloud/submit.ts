/**
 * `future.submit()`: a detached root run. The code is packaged and uploaded, the inputs stored and
 * announced, and the server makes the root's driver job (`POST /submissions`); the caller gets the
 * root id at once and may end. `result()` long-polls the root's job and decodes its output.
 */
import { RunCanceledError, StepDefinitionError, StepFailedError } from "../errors";
import { eventIdPrefix, type ArtifactEvent } from "../events";
import type { Future, SubmitOptions, SubmittedRun } from "../future";
import { resolutionObservers } from "../runner/backend";
import { RemoteStepError } from "../runner/dispatch";
import { newRunId } from "../runner/ids";
import { captureEnvironment } from "../tracking/environment";
import { defaultServerClient } from "../tracking/default-backend";
import type { ServerClient } from "../tracking/http";
import type { Artifact } from "../types/artifact";
import { defaultRegistry } from "../types/registry";
import { storeArtifact } from "./artifacts";
import { HttpDispatcher } from "./dispatcher";
import type { Job } from "./jobs";
import { jobOf } from "./jobs";
import { ensurePackage, packageSource } from "./packages";

/** Parameter names as the runner names input edges (extra arguments of a rest parameter indexed). */
function parameterNames(declared: readonly string[], count: number): string[] {
  const names: string[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    let name = declared[i] ?? declared[declared.length - 1] ?? `arg${i}`;
    if (used.has(name)) name = `${name}[${i}]`;
    used.add(name);
    names.push(name);
  }
  return names;
}

/**
 * Stores the inputs' bytes and announces them (artifact events under a writer of their own, so the
 * server knows their type before any run names them: the driver decodes them by id).
 */
async function storeInputs(client: ServerClient, artifacts: Artifact[]): Promise<void> {
  await Promise.all(artifacts.map((a) => storeArtifact(client, a)));
  if (artifacts.length === 0) return;
  const announcer = newRunId();
  const prefix = eventIdPrefix(announcer, { runId: announcer, attempt: 1 });
  const events: ArtifactEvent[] = artifacts.map((a, i) => ({
    type: "artifact",
    id: `${prefix}${i + 1}`,
    rootId: announcer,
    at: Date.now(),
    artifact: {
      id: a.id,
      typeName: a.typeName,
      mediaType: a.mediaType,
      size: a.size,
      summary: a.summary,
    },
  }));
  await client.json("POST", "/events", { events });
}

export async function submit<T>(
  future: Future<T>,
  options: SubmitOptions,
): Promise<SubmittedRun<T>> {
  if (!options || typeof options.executor !== "string" || !options.executor) {
    throw new StepDefinitionError(
      'submit() needs an executor: future.submit({ executor: "local" })',
    );
  }
  if (future.promise) {
    throw new StepDefinitionError(
      `"${future.name}" has already been started; call the step again for a new run`,
    );
  }
  if (future.inputFutures.length > 0) {
    throw new StepDefinitionError(
      `submit() runs "${future.name}" in another process, which needs its arguments as values: ` +
        "pass values (await the futures first), or submit a step that calls the others",
    );
  }
  const client = await defaultServerClient();
  const pkg = await ensurePackage(client, packageSource(options.package));
  const registry = options.registry ?? defaultRegistry();
  const names = parameterNames(future.spec.parameters, future.args.length);
  const artifacts = future.args.map((arg) => registry.toArtifact(arg));
  await storeInputs(client, artifacts);
  const namespace = options.namespace ?? "default";
  const answer = await client.json<{ rootId: string; job: Job }>("POST", "/submissions", {
    kind: "root",
    packageId: pkg.id,
    stepName: future.spec.name,
    inputs: artifacts.map((a, i) => ({ name: names[i]!, artifactId: a.id })),
    executor: options.executor,
    ...(options.nodeUrl !== undefined ? { nodeUrl: options.nodeUrl } : {}),
    namespace,
    environment: captureEnvironment({ ...options.environment, packageId: pkg.id }),
    localProject: pkg.localProject,
  });
  const rootId = answer.rootId;
  const job = jobOf(answer.job ?? answer);
  const stepName = future.spec.name;
  // The notebook shows a run view for the submitted root: its driver records the runs, and the
  // JupyterLab view follows them live from the server (nothing runs here to tell it more).
  for (const observe of resolutionObservers()) {
    observe({ rootId, stepName, mode: "cloud", serverUrl: client.url });
  }
  const dispatcher = new HttpDispatcher(client, {
    executor: options.executor,
    packageId: pkg.id,
    namespace,
  });
  return {
    rootId,
    job,
    async result(): Promise<T> {
      const ended = (await dispatcher.waitForEnd(rootId))!;
      const outcome = await dispatcher.outcome(rootId, stepName, ended);
      if (outcome.state === "resolved") {
        return registry.fromBytes(outcome.artifact.typeName, outcome.artifact.bytes) as T;
      }
      if (outcome.state === "canceled") throw new RunCanceledError(stepName, outcome.reason);
      const info = outcome.error;
      throw new StepFailedError(info.stepName, info.path, info.runId, new RemoteStepError(info));
    },
  };
}
