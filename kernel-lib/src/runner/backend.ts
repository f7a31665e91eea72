/**
 * Extension points of the runner, kept process-wide so every copy of the library sees them: the
 * root runner (what `await future` outside a step calls), the tracking backend (the lineage server
 * client, installed with `func()` and loaded only when a tracked run starts) and resolution
 * observers (the notebook run view subscribes here). Through these hooks `future.ts` and the runner
 * never import the tracking client: a silent run loads no HTTP code.
 */
import { TsematicError } from "../errors";
import type { EventSink, ResourceRequest, RunEnvironment, RunMode, RunState } from "../events";
import type { Future, PipelineRun, ResolveOptions, SubmitOptions, SubmittedRun } from "../future";
import { processGlobal } from "../process-global";
import type { CacheStore } from "./cache-store";
import type { Dispatcher, PriorRun } from "./dispatch";

/** What a resolution with an executor needs before it starts (see {@link TrackingSession}). */
export interface DispatchSetup {
  executor: string;
  namespace: string;
  /** The script or notebook to package (`ResolveOptions.package`). */
  package?: string;
  /** A package already on the server (a worker's own): nothing is built or validated. */
  packageId?: string;
  /** With `packageId`: where its project is on the submitting machine (passed on to jobs). */
  localProject?: { host: string; root: string; dependencyKey: string };
  /** Steps that declare resources: validated against the executor before anything runs. */
  steps: Array<{ name: string; resources: ResourceRequest }>;
}

/** A tracked root run's connection to the lineage server. */
export interface TrackingSession {
  sink: EventSink;
  cache?: CacheStore;
  environment?: RunEnvironment;
  /** Where the run can be seen. */
  serverUrl?: string;
  /** Aborted when someone asks the server to cancel this run. */
  cancelSignal?: AbortSignal;
  /** Called once the root run has settled and its sink was flushed. */
  close(outcome: { state: RunState }): Promise<void>;
  /**
   * Validates the steps against the executor, packages the code and uploads it, and returns what
   * dispatches this root's runs as jobs. Absent: this backend cannot dispatch.
   */
  openDispatcher?(setup: DispatchSetup): Promise<{ dispatcher: Dispatcher; packageId: string }>;
  /**
   * A resumable root (opened with `resumable`): the root this session writes and how it was found.
   * An interrupted root of the same key may have been adopted (its id, the next writer attempt) or
   * resumed from (`priorRootId`: its runs are looked up with {@link priorRun}). See
   * `tracking/root-journal.ts`.
   */
  root?: {
    rootId: string;
    attempt: number;
    priorRootId?: string;
    how: "new" | "adopted" | "resumed";
  };
  /** A run as the server has it (replays of durable ids); undefined when unknown. */
  priorRun?(runId: string): Promise<PriorRun | undefined>;
}

/** What makes a kernel's root "the same cell run again" (with the notebook, the backend adds). */
export interface ResumableRoot {
  sourceHash: string;
  /** The root's argument artifact ids; a future argument stands as `f<index>`. */
  argumentIds: string[];
  namespace: string;
}

/** Opens tracking sessions: one per tracked root run. */
export interface TrackingBackend {
  open(root: {
    rootId: string;
    stepName: string;
    environment?: Partial<RunEnvironment>;
    /** A kernel's or script's own root: it may adopt an interrupted root of the same key. */
    resumable?: ResumableRoot;
  }): Promise<TrackingSession>;
}

/** What observers learn when a root run starts. */
export interface ResolutionInfo {
  rootId: string;
  stepName: string;
  mode: RunMode;
  serverUrl?: string;
}

/** Called when a root run starts; may return a sink that receives all its events. */
export type ResolutionObserver = (info: ResolutionInfo) => EventSink | undefined | void;

/**
 * Runs root futures: `await future` and `future.resolve()` outside any step call `resolve`,
 * `future.run()` calls `run`. Loading `func()` installs the local runner; executors (a driver, a
 * worker) install their own.
 */
export interface RootRunner {
  resolve<T>(future: Future<T>, options: ResolveOptions): Promise<T>;
  run<T>(future: Future<T>, options: ResolveOptions): Promise<PipelineRun<T>>;
  /** `future.submit()`: a detached root run on an executor. */
  submit?<T>(future: Future<T>, options: SubmitOptions): Promise<SubmittedRun<T>>;
}

interface Hooks {
  backend: TrackingBackend | undefined;
  /** Used when no backend was set: the lineage server client (loaded on first use). */
  defaultBackend: TrackingBackend | undefined;
  rootRunner: RootRunner | undefined;
  observers: Set<ResolutionObserver>;
}

const hooks = (): Hooks =>
  processGlobal<Hooks>("tsematic.runnerHooks.v2", () => ({
    backend: undefined,
    defaultBackend: undefined,
    rootRunner: undefined,
    observers: new Set(),
  }));

/**
 * Sets what runs root futures in this process (see {@link RootRunner}).
 *
 * @example
 * ```ts
 * const local = rootRunner();
 * setRootRunner({ resolve: (f, o) => local.resolve(f, { ...o, maxParallelism: 4 }), run: local.run });
 * ```
 */
export function setRootRunner(runner: RootRunner): void {
  hooks().rootRunner = runner;
}

/** The root runner of this process; a clear error when none was installed. */
export function rootRunner(): RootRunner {
  const runner = hooks().rootRunner;
  if (!runner) {
    throw new TsematicError(
      "no root runner is installed: steps made with func() install the local runner; " +
        "call setRootRunner() first when running futures made otherwise",
    );
  }
  return runner;
}

/** Sets the backend used by tracked runs (`await future`, `resolve({ tracking: true })`). */
export function setTrackingBackend(backend: TrackingBackend | undefined): void {
  hooks().backend = backend;
}

/**
 * @internal Installs the local root runner and the default tracking backend, keeping any that were
 * installed before (by an executor, or by an earlier copy of the library).
 */
export function installDefaultHooks(defaults: {
  rootRunner: RootRunner;
  trackingBackend: TrackingBackend;
}): void {
  const h = hooks();
  h.rootRunner ??= defaults.rootRunner;
  h.defaultBackend ??= defaults.trackingBackend;
}

/** @internal The backend a tracked run uses: the one set, else the default one. */
export function activeTrackingBackend(): TrackingBackend | undefined {
  const h = hooks();
  return h.backend ?? h.defaultBackend;
}

export function trackingBackend(): TrackingBackend | undefined {
  return hooks().backend;
}

/**
 * Subscribes to every root run of this process. Returns a function that unsubscribes.
 *
 * @example
 * ```ts
 * const stop = observeResolutions(({ rootId }) => ({ emit: (e) => console.log(rootId, e.type) }));
 * await pipeline().resolve({ tracking: false });
 * stop();
 * ```
 */
export function observeResolutions(observer: ResolutionObserver): () => void {
  hooks().observers.add(observer);
  return () => hooks().observers.delete(observer);
}

export function resolutionObservers(): Iterable<ResolutionObserver> {
  return hooks().observers;
}
