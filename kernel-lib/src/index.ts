/**
 * Tsematic: pipelines as plain TypeScript functions.
 *
 * @packageDocumentation
 */
import { installNotebookView } from "./notebook";

export type * from "./events";
export type * from "./types/artifact";
export {
  registerType,
  defaultRegistry,
  TypeRegistry,
  UnserializableValueError,
} from "./types/registry";
export * from "./types";
export { func, type Step, type StepSpec } from "./step";
export { stepByName } from "./step-registry";
export {
  Future,
  isFuture,
  type FutureArgs,
  type Futurable,
  type PipelineRun,
  type ResolveOptions,
  type SubmitOptions,
  type SubmittedRun,
} from "./future";
export type { StepOptions, CallSettings, RetryOptions, RetryFilter } from "./options";
export { runContext, type RunContext } from "./context";
export {
  logMetric,
  MAX_METRIC_LABELS,
  MAX_METRIC_TEXT,
  type MetricOptions,
} from "./metrics/log-metric";
export { cacheKey, type CacheKeyParts } from "./cache-key";
export { parameterNames } from "./params";
export { contentId } from "./hash";
export {
  TsematicError,
  StepDefinitionError,
  StepFailedError,
  StepTimeoutError,
  RunCanceledError,
  UnusedFutureError,
  ArtifactSerializationError,
} from "./errors";
export { RunGraph, type RunRecord } from "./runner/graph";
export {
  setTrackingBackend,
  trackingBackend,
  setRootRunner,
  rootRunner,
  type RootRunner,
  observeResolutions,
  type TrackingBackend,
  type TrackingSession,
  type ResolutionInfo,
  type ResolutionObserver,
} from "./runner/backend";
export {
  MemoryCache,
  processCache,
  type CacheStore,
  type CachedResult,
} from "./runner/cache-store";
export { TERMINAL_STATES } from "./events";
export {
  RUN_VIEW_MIME_TYPE,
  installNotebookView,
  inTslabKernel,
  RunView,
  trimStack,
  type RunViewBundle,
  type RunViewRun,
  type RunViewEdge,
  type RunViewArtifact,
  type RunViewError,
  type RunViewOutput,
  type RunViewProgress,
  type RunViewTarget,
} from "./notebook";

// In a tslab kernel, every root run shows a live run view in the cell's output (no-op elsewhere).
installNotebookView();
