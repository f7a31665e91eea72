/** Root runs: choosing silent or tracked mode, wiring sinks and observers, and cancellation. */
import { StepDefinitionError } from "../errors";
import { collectFutures } from "../future-values";
import type { EventSink, EventWriter, RunEnvironment, RunEvent, RunMode } from "../events";
import type { Future, PipelineRun, ResolveOptions, SubmitOptions, SubmittedRun } from "../future";
import { stepsWithResources } from "../step-registry";
import type { Artifact } from "../types/artifact";
import { defaultRegistry, type TypeRegistry } from "../types/registry";
import {
  activeTrackingBackend,
  resolutionObservers,
  type DispatchSetup,
  type ResumableRoot,
  type RootRunner,
  type TrackingBackend,
  type TrackingSession,
} from "./backend";
import type { Dispatcher } from "./dispatch";
import { processCache } from "./cache-store";
import { RunGraph } from "./graph";
import { newRunId } from "./ids";
import { installLogCapture } from "./log-capture";
import { Resolution, type ResolutionConfig } from "./resolution";

/**
 * @internal How a driver or a worker runs a root (worker/run.ts): its given id and writer, durable
 * child ids, the run it executes, its own server connection and its job's package.
 */
export interface RootControl {
  rootId?: string;
  writer?: EventWriter;
  mode?: RunMode;
  durable?: boolean;
  /** With `durable`: look children up on the server first (a later attempt of a job). */
  replay?: boolean;
  /**
   * With `replay`: children are looked up under the ids they had in this root (a rerun from a
   * step reuses the original root's runs as a resumed root reuses an abandoned one's).
   */
  priorRootId?: string;
  /** Answers those lookups (a rerun's: only the runs its reuse plan names). */
  priorRun?: ResolutionConfig["priorRun"];
  /** false: nothing is looked up in or stored to the cache (a rerun from scratch). */
  cache?: false;
  home?: ResolutionConfig["home"];
  backend?: TrackingBackend;
  /** A worker's dispatch: its job's executor and package (nothing is built or validated). */
  dispatch?: Omit<DispatchSetup, "steps" | "namespace" | "package">;
  /** Hears the resolution once it exists (a worker cancels it when its lease is lost). */
  onResolution?: (resolution: Resolution) => void;
}

function reasonOf(signal: AbortSignal, fallback: string): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return typeof reason === "string" ? reason : fallback;
}

/** Sends every event to several sinks. */
class FanOutSink implements EventSink {
  constructor(private readonly sinks: EventSink[]) {}
  emit(event: RunEvent): void {
    for (const sink of this.sinks) sink.emit(event);
  }
  storeArtifact(artifact: Artifact): void {
    for (const sink of this.sinks) sink.storeArtifact?.(artifact);
  }
  stillRunning(runs: readonly { runId: string; stepName: string }[]): void {
    for (const sink of this.sinks) sink.stillRunning?.(runs);
  }
  backlog(): Promise<void> | undefined {
    for (const sink of this.sinks) {
      const wait = sink.backlog?.();
      if (wait) return wait;
    }
    return undefined;
  }
  async flush(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.flush?.()));
  }
}

function checkOptions(options: ResolveOptions): void {
  const p = options.maxParallelism;
  if (p !== undefined && (!Number.isInteger(p) || p < 1)) {
    throw new StepDefinitionError(`maxParallelism must be a whole number >= 1, got ${String(p)}`);
  }
  if (options.tracking !== undefined && typeof options.tracking !== "boolean") {
    throw new StepDefinitionError(
      `tracking must be true or false, got ${String(options.tracking)}`,
    );
  }
  if (options.executor !== undefined) {
    if (typeof options.executor !== "string" || !options.executor) {
      throw new StepDefinitionError(
        `executor must be the name of an executor, such as "local"; got ${String(options.executor)}`,
      );
    }
    if (options.tracking === false) {
      throw new StepDefinitionError(
        "resolve({ executor }) runs steps as jobs that the lineage server schedules, so it cannot be " +
          "silent: leave out tracking: false, or leave out executor to run everything here",
      );
    }
  }
}

/**
 * What makes a kernel's root "the same cell run again" (see `tracking/root-journal.ts`); undefined
 * when an argument cannot be stored (the run fails on it, naming the parameter).
 */
function resumableRoot(
  future: Future<unknown>,
  registry: TypeRegistry,
  namespace: string,
): ResumableRoot | undefined {
  try {
    const argumentIds = future.args.map((arg, i) => {
      const inner: Future<unknown>[] = [];
      collectFutures(arg, inner);
      return inner.length > 0 ? `f${i}` : registry.toArtifact(arg).id;
    });
    return { sourceHash: future.spec.sourceHash, argumentIds, namespace };
  } catch {
    return undefined;
  }
}

/** Opens dispatch for a root: validation, package upload (see `cloud/open.ts`). */
async function openDispatch(
  session: TrackingSession | undefined,
  options: ResolveOptions,
  control: RootControl,
): Promise<{ dispatcher: Dispatcher; packageId: string } | undefined> {
  const executor = control.dispatch?.executor ?? options.executor;
  if (executor === undefined) return undefined;
  if (!session?.openDispatcher) {
    throw new StepDefinitionError(
      `resolve({ executor: "${executor}" }) needs the lineage server client as tracking backend; ` +
        "the backend set with setTrackingBackend() cannot dispatch jobs",
    );
  }
  return session.openDispatcher({
    executor,
    namespace: options.namespace ?? "default",
    ...(options.package !== undefined ? { package: options.package } : {}),
    ...(control.dispatch ?? {}),
    steps: stepsWithResources(),
  });
}

async function execute<T>(
  future: Future<T>,
  options: ResolveOptions,
  graph: RunGraph | undefined,
  control: RootControl = {},
): Promise<{ value: T; rootId: string }> {
  checkOptions(options);
  if (future.promise) {
    throw new StepDefinitionError(
      `"${future.name}" has already been started; call the step again for a new run`,
    );
  }
  installLogCapture();
  let rootId = control.rootId ?? newRunId();
  const registry = options.registry ?? defaultRegistry();
  const namespace = options.namespace ?? "default";
  const backend =
    options.tracking === false ? undefined : (control.backend ?? activeTrackingBackend());
  if (options.tracking !== false && !backend) {
    throw new StepDefinitionError(
      "a tracked run needs a tracking backend and none is installed (func() installs the " +
        "lineage server client): call setTrackingBackend(), or run silently with " +
        "resolve({ tracking: false })",
    );
  }
  let session: TrackingSession | undefined;
  if (backend) {
    // A kernel's or script's own root (not a driver's or worker's, which have their job's id).
    const resumable =
      control.rootId === undefined
        ? resumableRoot(future as Future<unknown>, registry, namespace)
        : undefined;
    session = await backend.open({
      rootId,
      stepName: future.name,
      ...(options.environment ? { environment: options.environment } : {}),
      ...(resumable ? { resumable } : {}),
    });
  }
  // An interrupted root of the same cell, adopted: its id, written as the next attempt.
  const claimed = session?.root;
  if (claimed) rootId = claimed.rootId;
  const writer =
    control.writer ??
    (claimed && claimed.attempt > 1 ? { runId: rootId, attempt: claimed.attempt } : undefined);
  let dispatch: { dispatcher: Dispatcher; packageId: string } | undefined;
  try {
    dispatch = await openDispatch(session, options, control);
  } catch (error) {
    // Refused before anything ran (an impossible request, a package that cannot be built).
    await session?.close({ state: "failed" });
    throw error;
  }
  const environment: RunEnvironment | undefined = session?.environment
    ? { ...session.environment, ...(dispatch ? { packageId: dispatch.packageId } : {}) }
    : undefined;
  const mode = control.mode ?? (session ? (dispatch ? "cloud" : "local") : "silent");
  // This process's own views: they also hear what other processes recorded (dispatched runs).
  const views: EventSink[] = [];
  if (options.sink) views.push(options.sink);
  if (graph) views.push(graph);
  for (const observe of resolutionObservers()) {
    const sink = observe({
      rootId,
      stepName: future.name,
      mode,
      ...(session?.serverUrl ? { serverUrl: session.serverUrl } : {}),
    });
    if (sink) views.push(sink);
  }
  const sinks: EventSink[] = session ? [session.sink, ...views] : views;
  const sink =
    sinks.length === 0 ? undefined : sinks.length === 1 ? sinks[0] : new FanOutSink(sinks);
  const localSink = views.length <= 1 ? views[0] : new FanOutSink(views);
  const resolution = new Resolution({
    rootId,
    rootFuture: future as Future<unknown>,
    mode,
    sink,
    registry,
    cache: control.cache === false ? undefined : session ? session.cache : processCache(),
    namespace,
    maxParallelism: options.maxParallelism,
    ...(environment ? { environment } : {}),
    ...(writer ? { writer } : {}),
    ...(localSink ? { localSink } : {}),
    ...(session ? { serverSink: session.sink } : {}),
    ...(dispatch ? { dispatcher: dispatch.dispatcher } : {}),
    // A resumable root's children get durable ids, so that a later kernel can find them.
    ...(control.durable || claimed ? { durable: true } : {}),
    ...(control.replay || claimed?.priorRootId ? { replay: true } : {}),
    ...(claimed?.priorRootId && claimed.priorRootId !== rootId
      ? { priorRootId: claimed.priorRootId }
      : {}),
    ...(claimed && session?.priorRun ? { priorRun: session.priorRun.bind(session) } : {}),
    ...(control.priorRootId !== undefined ? { priorRootId: control.priorRootId } : {}),
    ...(control.priorRun ? { priorRun: control.priorRun } : {}),
    ...(control.home ? { home: control.home } : {}),
  });
  control.onResolution?.(resolution);
  const callerAbort = () => resolution.cancelAll("canceled by the caller's AbortSignal");
  const serverAbort = () =>
    resolution.cancelAll(reasonOf(session!.cancelSignal!, "canceled from the lineage server"));
  options.signal?.addEventListener("abort", callerAbort, { once: true });
  session?.cancelSignal?.addEventListener("abort", serverAbort, { once: true });
  const rootPromise = resolution.start(future as Future<unknown>, null);
  if (options.signal?.aborted) callerAbort();
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await rootPromise };
  } catch (error) {
    outcome = { ok: false, error };
  } finally {
    options.signal?.removeEventListener("abort", callerAbort);
    session?.cancelSignal?.removeEventListener("abort", serverAbort);
  }
  if (!outcome.ok && localSink?.stillRunning) {
    // Bodies that honour their aborted signal end within a turn of the event loop: the ones left
    // after it ignore it, and the views say that their code still runs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const still = resolution.stillRunning();
    if (still.length > 0) {
      localSink.stillRunning(still);
      // Their code stops later (when it checks its signal): the views then stop saying it runs.
      resolution.onLingeringEnd(() => localSink.stillRunning?.(resolution.stillRunning()));
    }
  }
  // Everything the run emitted is durable before the caller sees its result.
  await sink?.flush?.();
  await session?.close({ state: future.node?.state ?? "failed" });
  if (!outcome.ok) {
    if (graph && outcome.error !== null && typeof outcome.error === "object") {
      Object.defineProperty(outcome.error, "graph", { value: graph, configurable: true });
    }
    throw outcome.error;
  }
  return { value: outcome.value as T, rootId };
}

/** Resolves `future` as a new root run and returns its value. */
export async function resolveRoot<T>(future: Future<T>, options: ResolveOptions): Promise<T> {
  return (await execute(future, options, undefined)).value;
}

/** @internal A driver's or worker's root (worker/run.ts): see {@link RootControl}. */
export async function resolveControlled<T>(
  future: Future<T>,
  options: ResolveOptions,
  control: RootControl,
): Promise<T> {
  return (await execute(future, options, undefined, control)).value;
}

/** `future.submit()`: loads the submission client on first use (silent runs never do). */
async function submitRoot<T>(future: Future<T>, options: SubmitOptions): Promise<SubmittedRun<T>> {
  const { submit } = await import("../cloud/submit");
  return submit(future, options);
}

/** Resolves `future` as a new root run and returns its value with the run graph. */
export async function runRoot<T>(
  future: Future<T>,
  options: ResolveOptions,
): Promise<PipelineRun<T>> {
  const graph = new RunGraph({ keepBytes: true });
  const { value, rootId } = await execute(future, options, graph);
  return { value, rootId, graph };
}

/** The local runner: resolves roots in this process (installed with `func()`, see defaults.ts). */
export const localRootRunner: RootRunner = {
  resolve: resolveRoot,
  run: runRoot,
  submit: submitRoot,
};
