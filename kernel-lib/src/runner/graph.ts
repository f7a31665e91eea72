/**
 * RunGraph: the run events of one resolution folded into runs, artifacts and edges. It is an
 * {@link EventSink}, so the silent runner hands one back from `future.run()`.
 *
 * @example
 * ```ts
 * const { graph } = await pipeline(10).run({ tracking: false });
 * for (const run of graph.children(graph.root!.id)) console.log(run.stepName, run.state, run.inputs);
 * ```
 */
import type {
  ErrorInfo,
  EventSink,
  Flow,
  LogEvent,
  MetricEvent,
  RunEvent,
  RunInfo,
  RunState,
} from "../events";
import type { Artifact, ArtifactInfo } from "../types/artifact";
import { defaultRegistry, type TypeRegistry } from "../types/registry";

/** One run as the graph knows it. */
export interface RunRecord extends RunInfo {
  state: RunState;
  /** Every state the run went through, in order. */
  states: RunState[];
  attempt: number;
  cacheKey?: string;
  originalRunId?: string;
  error?: ErrorInfo;
  startedAt?: number;
  endedAt?: number;
  /** Input artifact ids by parameter name. */
  inputs: Record<string, string>;
  output?: string;
  /** Recorded data flows into this run (who produced its inputs; for a parent, what it awaited). */
  flows: Flow[];
  logs: Array<Pick<LogEvent, "stream" | "text" | "at">>;
  /** Metrics its body logged (`logMetric`), in order. */
  metrics: Array<Pick<MetricEvent, "name" | "value" | "step" | "labels" | "at">>;
}

const ENDED = new Set<RunState>(["resolved", "failed", "nested-failed", "canceled"]);

export class RunGraph implements EventSink {
  readonly runs = new Map<string, RunRecord>();
  readonly artifacts = new Map<string, ArtifactInfo>();
  /** Every event, in order. */
  readonly events: RunEvent[] = [];
  private readonly bytes = new Map<string, Uint8Array>();

  constructor(private readonly options: { keepBytes?: boolean } = {}) {}

  emit(event: RunEvent): void {
    this.events.push(event);
    switch (event.type) {
      case "run-created":
        this.runs.set(event.run.id, {
          ...event.run,
          state: "created",
          states: ["created"],
          attempt: 1,
          inputs: {},
          flows: [],
          logs: [],
          metrics: [],
        });
        break;
      case "run-state": {
        const run = this.runs.get(event.runId);
        if (!run) break;
        run.state = event.state;
        run.states.push(event.state);
        run.attempt = event.attempt;
        if (event.cacheKey !== undefined) run.cacheKey = event.cacheKey;
        if (event.originalRunId !== undefined) run.originalRunId = event.originalRunId;
        if (event.error !== undefined) run.error = event.error;
        if (event.state === "running" && run.startedAt === undefined) run.startedAt = event.at;
        if (ENDED.has(event.state)) run.endedAt = event.at;
        break;
      }
      case "artifact":
        this.artifacts.set(event.artifact.id, event.artifact);
        break;
      case "edge": {
        const run = this.runs.get(event.runId);
        if (!run) break;
        if (event.direction === "input") run.inputs[event.name] = event.artifactId;
        else run.output = event.artifactId;
        break;
      }
      case "flow":
        this.runs.get(event.runId)?.flows.push(...event.flows);
        break;
      case "metric": {
        const { name, value, step, labels, at } = event;
        this.runs.get(event.runId)?.metrics.push({
          name,
          value,
          at,
          ...(step !== undefined ? { step } : {}),
          ...(labels !== undefined ? { labels } : {}),
        });
        break;
      }
      case "log":
        this.runs
          .get(event.runId)
          ?.logs.push({ stream: event.stream, text: event.text, at: event.at });
        break;
      default: {
        // An event type added to openapi.yaml fails to compile here until the graph keeps it.
        const _unhandled: never = event;
      }
    }
  }

  storeArtifact(artifact: Artifact): void {
    if (this.options.keepBytes) this.bytes.set(artifact.id, artifact.bytes);
  }

  /** The root run (no parent). */
  get root(): RunRecord | undefined {
    for (const run of this.runs.values()) {
      if (run.parentId === null && run.id === run.rootId) return run;
    }
    return undefined;
  }

  /** Runs started by `runId`'s body, in creation order. */
  children(runId: string): RunRecord[] {
    return [...this.runs.values()].filter((r) => r.parentId === runId);
  }

  /** Runs of the step named `stepName`, in creation order. */
  byStep(stepName: string): RunRecord[] {
    return [...this.runs.values()].filter((r) => r.stepName === stepName);
  }

  /** The value of an artifact, decoded again from its stored bytes (needs `keepBytes`). */
  value(artifactId: string, registry: TypeRegistry = defaultRegistry()): unknown {
    const info = this.artifacts.get(artifactId);
    const bytes = this.bytes.get(artifactId);
    if (!info || !bytes) {
      throw new Error(
        `artifact ${artifactId} is not in this graph's memory: run with future.run() to keep artifact values`,
      );
    }
    return registry.fromBytes(info.typeName, bytes);
  }
}
