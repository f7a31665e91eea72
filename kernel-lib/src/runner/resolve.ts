/** Root runs: choosing silent or tracked mode, wiring sinks and observers, and cancellation. */
import { StepDefinitionError } from "../errors";
import type { EventSink, RunEvent } from "../events";
import type { Future, PipelineRun, ResolveOptions } from "../future";
import type { Artifact } from "../types/artifact";
import { defaultRegistry } from "../types/registry";
import {
  activeTrackingBackend,
  resolutionObservers,
  type RootRunner,
  type TrackingSession,
} from "./backend";
import { processCache } from "./cache-store";
import { RunGraph } from "./graph";
import { newRunId } from "./ids";
import { installLogCapture } from "./log-capture";
import { Resolution } from "./resolution";

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
}

async function execute<T>(
  future: Future<T>,
  options: ResolveOptions,
  graph: RunGraph | undefined,
): Promise<{ value: T; rootId: string }> {
  checkOptions(options);
  if (future.promise) {
    throw new StepDefinitionError(
      `"${future.name}" has already been started; call the step again for a new run`,
    );
  }
  installLogCapture();
  const rootId = newRunId();
  const backend = options.tracking === false ? undefined : activeTrackingBackend();
  if (options.tracking !== false && !backend) {
    throw new StepDefinitionError(
      "a tracked run needs a tracking backend and none is installed (func() installs the " +
        "lineage server client): call setTrackingBackend(), or run silently with " +
        "resolve({ tracking: false })",
    );
  }
  let session: TrackingSession | undefined;
  if (backend) {
    session = await backend.open({
      rootId,
      stepName: future.name,
      ...(options.environment ? { environment: options.environment } : {}),
    });
  }
  const mode = session ? "local" : "silent";
  const sinks: EventSink[] = [];
  if (session) sinks.push(session.sink);
  if (options.sink) sinks.push(options.sink);
  if (graph) sinks.push(graph);
  for (const observe of resolutionObservers()) {
    const sink = observe({
      rootId,
      stepName: future.name,
      mode,
      ...(session?.serverUrl ? { serverUrl: session.serverUrl } : {}),
    });
    if (sink) sinks.push(sink);
  }
  const sink =
    sinks.length === 0 ? undefined : sinks.length === 1 ? sinks[0] : new FanOutSink(sinks);
  const resolution = new Resolution({
    rootId,
    rootFuture: future as Future<unknown>,
    mode,
    sink,
    registry: options.registry ?? defaultRegistry(),
    cache: session ? session.cache : processCache(),
    namespace: options.namespace ?? "default",
    maxParallelism: options.maxParallelism,
    ...(session?.environment ? { environment: session.environment } : {}),
  });
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
export const localRootRunner: RootRunner = { resolve: resolveRoot, run: runRoot };
