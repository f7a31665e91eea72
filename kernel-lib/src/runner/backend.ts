/**
 * Extension points of the runner, kept on `globalThis` so every copy of the library sees them:
 * the tracking backend (the lineage server client registers itself here) and resolution observers
 * (the notebook run view subscribes here).
 */
import type { EventSink, RunEnvironment, RunMode, RunState } from "../events";
import type { CacheStore } from "./cache-store";

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
}

/** Opens tracking sessions: one per tracked root run. */
export interface TrackingBackend {
  open(root: {
    rootId: string;
    stepName: string;
    environment?: Partial<RunEnvironment>;
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

interface Hooks {
  backend: TrackingBackend | undefined;
  observers: Set<ResolutionObserver>;
}

const HOOKS_KEY = Symbol.for("tsematic.runnerHooks.v1");

function hooks(): Hooks {
  const g = globalThis as unknown as Record<symbol, Hooks | undefined>;
  return (g[HOOKS_KEY] ??= { backend: undefined, observers: new Set() });
}

/** Sets the backend used by tracked runs (`await future`, `resolve({ tracking: true })`). */
export function setTrackingBackend(backend: TrackingBackend | undefined): void {
  hooks().backend = backend;
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
