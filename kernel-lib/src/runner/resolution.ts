/**
 * The resolution engine: runs one root future and everything it spawns. A step runs once all its
 * inputs are concrete; independent steps run concurrently; a body's awaited and returned futures become
 * its children. Every transition is emitted as a {@link RunEvent}.
 */
import { cacheKey } from "../cache-key";
import { runStorage } from "../context";
import {
  ArtifactSerializationError,
  RunCanceledError,
  StepFailedError,
  StepTimeoutError,
  UnusedFutureError,
} from "../errors";
import {
  eventIdPrefix,
  TERMINAL_STATES,
  type ErrorInfo,
  type EventSink,
  type EventWriter,
  type Flow,
  type RunEnvironment,
  type RunEvent,
  type RunMode,
  type RunState,
} from "../events";
import type { Future } from "../future";
import { collectFutures, isFuture, isPlainObject, replaceFutures } from "../future-values";
import { backoffDelay, resolveRetry, shouldRetry, type CallSettings } from "../options";
import type { Artifact } from "../types/artifact";
import { COMPOSITE_TYPE, innerObjects } from "../types/composite";
import { describeValueType, UnserializableValueError, type TypeRegistry } from "../types/registry";
import type { CacheStore } from "./cache-store";
import {
  asksForJob,
  jobTimeBudgetMs,
  RemoteStepError,
  type Dispatcher,
  type InputRef,
  type PriorRun,
} from "./dispatch";
import { errorInfoOf } from "./error-info";
import { durableRunId } from "./ids";
import { argumentFlows, RunLineage } from "./flows";
import { RunNode } from "./run-node";
import { AwaitedFlows } from "./awaited-flows";
import { Semaphore } from "./semaphore";

/** Distributes Omit over a union, so each event keeps its own fields. */
type EventBody<E> = E extends RunEvent ? Omit<E, "id" | "rootId" | "at"> : never;

export interface ResolutionConfig {
  rootId: string;
  rootFuture: Future<unknown>;
  mode: RunMode;
  /** Receives events; `undefined` skips building them (silent `resolve()` with no observer). */
  sink: EventSink | undefined;
  registry: TypeRegistry;
  cache: CacheStore | undefined;
  namespace: string;
  maxParallelism: number | undefined;
  environment?: RunEnvironment;
  /**
   * This process's own views of the run (the graph of `future.run()`, the notebook's run view, the
   * caller's sink), all also in `sink`. They alone hear the states that another process recorded
   * on the server (a dispatched run's job, an earlier attempt): the server has those already.
   */
  localSink?: EventSink;
  /**
   * The server's part of `sink` (the tracking session's): flushed before a run is dispatched, so
   * the run and its inputs are on the server. Only it: flushing the views would end them (the
   * notebook's run view takes a flush as the run's last update).
   */
  serverSink?: EventSink;
  /** Who writes this resolution's events. Default: the root run's first attempt. */
  writer?: EventWriter;
  /** Runs children that ask for a job (resources, `remote`) through an executor. */
  dispatcher?: Dispatcher;
  /** Children get deterministic ids (drivers and workers: "Durable ids"). */
  durable?: boolean;
  /**
   * With `durable`: an earlier attempt of this process's job may have left runs (a requeued driver
   * or worker), so before running, each child is looked up on the server (reused when it resolved
   * with the same inputs). Off in a first attempt: there is nothing to find.
   */
  replay?: boolean;
  /**
   * With `replay`: a kernel's root resuming from an abandoned root of the same cell (see
   * `tracking/root-journal.ts`). Each child is looked up under the id it had there (the same
   * durable formula from that root's id); one that resolved with the same inputs is reused and
   * recorded as resolved with `originalRunId`. Unset: the runs are looked up under their own ids.
   */
  priorRootId?: string;
  /** Answers replay lookups (else the dispatcher's). */
  priorRun?: (runId: string) => Promise<PriorRun | undefined>;
  /**
   * A worker executing one dispatched run: the root future is that run (it exists on the server, so
   * it is not created again), with the resolver's cache key and decoded input artifacts.
   */
  home?: { runId: string; exists: boolean; cacheKey?: string; inputs?: Artifact[] };
}

function errorOf(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Whether a future hides in an array or plain object, at any depth. */
function hasFuture(value: unknown): boolean {
  if (isFuture(value)) return true;
  if (Array.isArray(value)) return value.some(hasFuture);
  if (isPlainObject(value)) {
    for (const key in value) if (hasFuture(value[key])) return true;
  }
  return false;
}

export class Resolution {
  readonly rootId: string;
  private seq = 0;
  /** Events only this process's views hear (see {@link mirror}). */
  private localSeq = 0;
  /** `<rootId>:<writer>:`, the start of every event id this resolution writes. */
  private readonly eventIdPrefix: string;
  private readonly slots: Semaphore | undefined;
  /** Artifacts already announced in this resolution: each is stored and announced once. */
  private readonly announced = new Set<string>();
  /** An output object passed on as another step's input is not serialized twice. */
  private readonly artifactOfObject = new WeakMap<object, Artifact>();
  /** Lineage: the run that returned each object (only while events are recorded). */
  private readonly producerOfObject = new WeakMap<object, string>();
  private readonly producerOf = (value: object): string | undefined =>
    this.producerOfObject.get(value);
  /** Runs without a parent: the root and the inputs it was called with. */
  private readonly topLevel: RunNode[] = [];
  /** The root run of this resolution (never dispatched: it is what this process runs). */
  private rootNode: RunNode | undefined;
  /** Calls of top-level futures (for durable ids of runs without a parent). */
  private topCalls = 0;
  /** Awaited flows not emitted yet: one event per parent and microtask. */
  private readonly awaitedFlows = new AwaitedFlows((parent, flows) =>
    this.emit({ type: "flow", runId: parent.id, flows }),
  );
  /** Runs started and not executed yet (see {@link drainStarts}). */
  private readonly startQueue: RunNode[] = [];
  private drainQueued = false;
  /** See {@link Resolution.onLingeringEnd}. */
  private lingeringEnded: (() => void) | undefined;

  constructor(readonly config: ResolutionConfig) {
    this.rootId = config.rootId;
    this.eventIdPrefix = eventIdPrefix(
      config.rootId,
      config.writer ?? { runId: config.rootId, attempt: 1 },
    );
    this.slots =
      config.maxParallelism !== undefined && Number.isFinite(config.maxParallelism)
        ? new Semaphore(config.maxParallelism)
        : undefined;
  }

  // ---- events -------------------------------------------------------------------------------

  /** Emits `body`, a fresh object of the caller's, completed in place: no copy per event. */
  private emit(body: EventBody<RunEvent>): void {
    const sink = this.config.sink;
    if (!sink) return;
    const event = body as RunEvent;
    event.id = this.eventIdPrefix + ++this.seq;
    event.rootId = this.rootId;
    event.at = Date.now();
    sink.emit(event);
  }

  /**
   * Tells this process's views what another process recorded on the server for `node`; ids of
   * their own (`<prefix>local-<n>`), as these events never reach the server.
   */
  private mirror(body: EventBody<RunEvent>): void {
    const sink = this.config.localSink;
    if (!sink) return;
    sink.emit({
      ...body,
      id: `${this.eventIdPrefix}local-${++this.localSeq}`,
      rootId: this.rootId,
      at: Date.now(),
    } as RunEvent);
  }

  /** Mirrors a run that another process ended: its output (when resolved) and its last state. */
  private mirrorEnd(
    node: RunNode,
    state: RunState,
    extra: { artifact?: Artifact; error?: ErrorInfo } = {},
  ): void {
    if (!this.config.localSink) return;
    if (extra.artifact) {
      this.mirror({ type: "artifact", artifact: this.info(extra.artifact) });
      this.mirror({
        type: "edge",
        runId: node.id,
        direction: "output",
        name: "output",
        artifactId: extra.artifact.id,
      });
    }
    this.mirror({
      type: "run-state",
      runId: node.id,
      state,
      attempt: node.attempt,
      ...(extra.error ? { error: extra.error } : {}),
    });
  }

  private emitState(
    node: RunNode,
    state: RunState,
    extra: Partial<EventBody<RunEvent & { type: "run-state" }>> = {},
  ): void {
    node.state = state;
    const heldKey = node.unsentScheduledKey;
    if (heldKey !== undefined) {
      node.unsentScheduledKey = undefined;
      if (extra.cacheKey === undefined) extra = { cacheKey: heldKey, ...extra };
    }
    this.emit({ type: "run-state", runId: node.id, state, attempt: node.attempt, ...extra });
  }

  /**
   * Holds `node`'s scheduled state: the next state event carries its cache key instead (the run
   * then goes from created to running, or to resolved from the cache, in one event). A run that
   * has to wait first (for a slot, a job) sends it with {@link sendScheduled}.
   */
  private holdScheduled(node: RunNode, key: string): void {
    node.state = "scheduled";
    if (this.config.sink) node.unsentScheduledKey = key;
  }

  /** Sends the scheduled state {@link holdScheduled} held, before `node` waits. */
  private sendScheduled(node: RunNode): void {
    if (node.unsentScheduledKey !== undefined && !node.done) this.emitState(node, "scheduled");
  }

  /**
   * Records a console line written by a step's body as that run's log. A body that ignores its
   * canceled signal keeps running in the kernel: what it prints after its run ended is not the run's.
   */
  log(node: RunNode, stream: "stdout" | "stderr", text: string): void {
    if (node.done) return;
    this.emit({ type: "log", runId: node.id, stream, text });
  }

  /** Records a metric a step's body logged (already checked by `logMetric`). */
  metric(
    node: RunNode,
    point: { name: string; value: number; step?: number; labels?: Record<string, string> },
  ): void {
    if (node.done) return; // as for logs: the run has ended, whatever its body still does
    this.emit({ type: "metric", runId: node.id, ...point });
  }

  // ---- starting runs ------------------------------------------------------------------------

  /** Starts `future` as a run under `parent` (null: the root run). Returns its settlement. */
  start(future: Future<unknown>, parent: RunNode | null): Promise<unknown> {
    if (future.promise) return future.promise;
    // The root run's id is the resolution's id, so the root can be looked up before it starts.
    const isRoot =
      parent === null && this.topLevel.length === 0 && future === this.config.rootFuture;
    let priorId: string | undefined;
    let node: RunNode;
    if (isRoot) {
      node = new RunNode(this, future, null, this.config.home?.runId ?? this.rootId);
      priorId = this.config.priorRootId;
    } else if (this.config.durable) {
      const ids = this.durableIds(future, parent);
      node = new RunNode(this, future, parent, ids.id);
      priorId = ids.priorId;
      // Hashed once: the input edges reuse the primitive arguments' artifacts made for the id.
      if (ids.argArtifacts && this.config.sink) {
        (node.lineage ??= new RunLineage()).argArtifacts = ids.argArtifacts;
      }
    } else {
      node = new RunNode(this, future, parent);
    }
    if (priorId !== undefined) node.priorId = priorId;
    future.node = node;
    future.promise = node.promise;
    if (parent) parent.addChild(node);
    else this.topLevel.push(node);
    if (isRoot) {
      this.rootNode = node;
      this.adoptInputs();
    }
    if (!(isRoot && this.config.home?.exists)) this.emitCreated(node);
    // Not called right here: a chain of futures (each returning or taking the next) would otherwise
    // start thousands of runs inside one another and overflow the stack.
    this.startQueue.push(node);
    if (!this.drainQueued) {
      this.drainQueued = true;
      queueMicrotask(this.drainStarts);
    }
    return node.promise;
  }

  /**
   * Executes the started runs in the order they started, in one microtask: Node makes an async
   * resource per `queueMicrotask`, which a 10,000-step fan-out paid once per run. Runs started
   * meanwhile join the end of the queue, so a chain still runs one after another, not nested.
   */
  private readonly drainStarts = (): void => {
    const queue = this.startQueue;
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i]!;
      try {
        this.execute(node);
      } catch (error) {
        // One run's failure must not strand the runs queued after it.
        if (!node.done) this.fail(node, error);
      }
    }
    queue.length = 0;
    this.drainQueued = false;
  };

  /**
   * A deterministic id: parent, call index in the parent's attempt, step, concrete arguments; and,
   * resuming from an abandoned root, the id the same call had there.
   */
  private durableIds(
    future: Future<unknown>,
    parent: RunNode | null,
  ): { id: string; priorId?: string; argArtifacts?: Artifact[] } {
    const index = parent ? parent.calls++ : this.topCalls++;
    let argArtifacts: Artifact[] | undefined;
    const args = future.args.map((arg, i) => {
      if (hasFuture(arg)) return `f${i}`;
      const isObject = arg !== null && typeof arg === "object";
      const known = isObject ? this.artifactOfObject.get(arg) : undefined;
      if (known) return known.id;
      try {
        const artifact = this.config.registry.toArtifact(arg);
        // Remembered and announced as the input edge would: an object is serialized once.
        if (this.config.sink) {
          if (isObject) this.artifactOfObject.set(arg, artifact);
          else (argArtifacts ??= [])[i] = artifact;
          this.announce(artifact.id, () => artifact, true);
        }
        return artifact.id;
      } catch {
        return `x${i}`; // unstorable: the run fails when it starts, naming the parameter
      }
    });
    // A retried parent's later attempt makes new runs: the ids of its first attempt's children
    // are taken (and may have ended), so they would be replays of those.
    const of = (parentId: string) =>
      parent && parent.attempt > 1 ? `${parentId}.${parent.attempt}` : parentId;
    const id = durableRunId(of(parent?.id ?? this.rootId), index, future.name, args);
    const priorParent = parent ? parent.priorId : this.config.priorRootId;
    const made = argArtifacts ? { argArtifacts } : {};
    if (priorParent === undefined) return { id, ...made };
    return { id, priorId: durableRunId(of(priorParent), index, future.name, args), ...made };
  }

  /** A worker's dispatched run: its inputs are the resolver's artifacts, already stored. */
  private adoptInputs(): void {
    const inputs = this.config.home?.inputs;
    if (!inputs) return;
    const args = this.config.rootFuture.args;
    inputs.forEach((artifact, i) => {
      this.announced.add(artifact.id);
      const value = args[i];
      if (value !== null && typeof value === "object") this.artifactOfObject.set(value, artifact);
    });
  }

  private settings(node: RunNode): CallSettings {
    const { spec, settings } = node.future;
    // Most calls change nothing with set(): share the step's own settings instead of copying them
    // (looked at without Object.keys, which made an array per call, twice per run).
    for (const _ in settings) return { ...spec.callSettings, ...settings };
    return spec.callSettings;
  }

  private emitCreated(node: RunNode): void {
    if (!this.config.sink) return;
    const spec = node.future.spec;
    const settings = this.settings(node);
    this.emit({
      type: "run-created",
      run: {
        id: node.id,
        rootId: this.rootId,
        parentId: node.parent?.id ?? null,
        stepName: node.stepName,
        sourceHash: spec.sourceHash,
        sourceText: spec.sourceText,
        ...(spec.sourceTypeScript !== undefined
          ? { sourceTypeScript: spec.sourceTypeScript, sourceCell: spec.sourceCell }
          : {}),
        ...(spec.options.version !== undefined ? { version: spec.options.version } : {}),
        tags: settings.tags ?? [],
        resources: settings.resources ?? {},
        cache: settings.cache ?? false,
        parameters: [...spec.parameters],
        createdAt: Date.now(),
        ...(node.parent
          ? {}
          : {
              mode: this.config.mode,
              ...(this.config.environment ? { environment: this.config.environment } : {}),
            }),
      },
    });
  }

  // ---- one run, from inputs to settlement ---------------------------------------------------

  private execute(node: RunNode): void {
    if (!this.runFast(node)) void this.executeFully(node);
  }

  /**
   * The common case, with no promise of the runner's own: concrete arguments, nothing recording the
   * run, no cache, retry, timeout or parallelism limit. Returns false when the full path is needed.
   */
  private runFast(node: RunNode): boolean {
    const future = node.future;
    if (future.inputFutures.length > 0 || this.config.sink || this.slots) return false;
    const settings = this.settings(node);
    const cached = settings.cache === true && this.config.cache !== undefined;
    if (cached || settings.retry !== undefined || settings.timeoutMs !== undefined) return false;
    try {
      const args = future.args as unknown[];
      for (let i = 0; i < args.length; i++) this.checkStorable(node, i, args[i]);
      node.state = "running";
      const fn = future.spec.fn as (...a: unknown[]) => unknown;
      const result = runStorage().run({ node }, fn, ...args);
      if (this.needsSettling(result)) {
        void this.finishFast(node, result);
        return true;
      }
      if (node.created.length > 0) this.checkUnused(node);
      this.checkStorable(node, "output", result);
      this.finish(node, "resolved", { value: result });
    } catch (error) {
      if (!node.done) this.fail(node, error);
    }
    return true;
  }

  private async finishFast(node: RunNode, result: unknown): Promise<void> {
    try {
      const value = await this.settleBody(node, result);
      if (node.done) return;
      this.checkStorable(node, "output", value);
      this.finish(node, "resolved", { value });
    } catch (error) {
      if (!node.done) this.fail(node, error);
    }
  }

  private async executeFully(node: RunNode): Promise<void> {
    const future = node.future;
    try {
      // The server is behind: wait before this run adds its events and artifacts to those in
      // memory. Once (the sink lets waiting runs through a few at a time, oldest first).
      const backlog = this.config.sink?.backlog?.();
      if (backlog) {
        await backlog;
        if (node.done) return;
      }
      // Inputs are siblings of this run: they belong to the scope that created them.
      const pending =
        future.inputFutures.length > 0
          ? future.inputFutures.map((f) => f.promise ?? this.start(f, node.parent))
          : undefined;
      // Before awaiting the inputs: a run canceled because an input failed still records its flows.
      if (this.config.sink) this.emitFlows(node);
      let inputValues: unknown[] | undefined;
      if (pending) {
        try {
          inputValues = await Promise.all(pending);
        } catch (error) {
          // Sematic's rule: a run whose input failed never runs. Pass the input's error on as it is.
          this.cancel(node, "one of its inputs failed", error);
          return;
        }
        if (node.done) return;
      }
      // The input futures are those of the arguments, in the order replaceFutures takes them.
      const args = (
        inputValues ? replaceFutures(future.args, inputValues) : future.args
      ) as unknown[];
      const settings = this.settings(node);
      const useCache = settings.cache === true && this.config.cache !== undefined;
      let key: string | undefined;
      const refs: InputRef[] = [];
      const isHome = node === this.rootNode && this.config.home !== undefined;
      if (this.config.sink || useCache) {
        const names = this.parameterNamesFor(node, args.length);
        const inputs: Record<string, string> = {};
        for (let i = 0; i < args.length; i++) {
          const artifact =
            node.lineage?.argArtifacts?.[i] ?? this.artifactFor(node, names[i]!, args[i]);
          inputs[names[i]!] = artifact.id;
          refs.push({ name: names[i]!, artifactId: artifact.id });
        }
        if (node.lineage) node.lineage.argArtifacts = undefined;
        const found =
          this.config.durable && this.config.replay && node !== this.rootNode
            ? await this.replay(node, inputs)
            : "unknown";
        if (found === "reused") return;
        // Reused from an abandoned root: recorded here as its own run, resolved with that output.
        const reusedFrom = typeof found === "object" ? found : undefined;
        const prior = reusedFrom ? "unknown" : found;
        // An open run of an earlier attempt already has its edges and key: its state (running,
        // in a job that lives on) must not go back to scheduled.
        for (const ref of prior === "open" ? [] : refs) {
          if (this.config.sink) (node.lineage ??= new RunLineage()).addInput(ref.artifactId);
          this.emit({
            type: "edge",
            runId: node.id,
            direction: "input",
            name: ref.name,
            artifactId: ref.artifactId,
          });
        }
        key =
          isHome && this.config.home!.cacheKey !== undefined
            ? this.config.home!.cacheKey
            : cacheKey({
                stepName: node.stepName,
                codeVersion: future.spec.codeVersion,
                inputs,
                namespace: this.config.namespace,
              });
        if (reusedFrom) {
          this.settleReused(node, reusedFrom.artifact, reusedFrom.runId, key);
          return;
        }
        if (prior === "open") node.state = "scheduled";
        else this.holdScheduled(node, key);
      } else {
        // Nobody records this run: only prove the inputs could be stored, as a tracked run would.
        for (let i = 0; i < args.length; i++) this.checkStorable(node, i, args[i]);
        node.state = "scheduled";
      }
      // A worker's dispatched run: its resolver already looked its key up.
      if (useCache && key !== undefined && this.config.cache && !isHome) {
        const hit = await this.config.cache.lookup(key);
        if (node.done) return;
        if (hit) {
          // Decoded from the stored bytes: never an object that another step may have changed.
          const artifact: Artifact = { ...hit.artifact, bytes: hit.bytes };
          this.settleFromStored(node, artifact, hit.runId, key, { cached: true });
          return;
        }
      }
      if (this.config.dispatcher && node !== this.rootNode && asksForJob(settings)) {
        this.sendScheduled(node);
        await this.dispatchRun(node, refs, settings, key);
        return;
      }
      if (!useCache && this.config.sink && this.attemptInline(node, args, settings)) return;
      await this.attempts(node, args, settings, key);
    } catch (error) {
      if (!node.done) this.fail(node, error);
    }
  }

  // ---- dispatched runs and replays ---------------------------------------------------------

  /**
   * Durable ids: an earlier attempt of this resolution's process already resolved this run with the
   * same inputs. Its output is used as it is: no body runs, no state is emitted again.
   */
  private async replay(
    node: RunNode,
    inputs: Record<string, string>,
  ): Promise<"reused" | "open" | "unknown" | { artifact: Artifact; runId: string }> {
    const lookupId = node.priorId ?? node.id;
    const prior = this.config.priorRun
      ? await this.config.priorRun(lookupId)
      : await this.config.dispatcher?.priorRun?.(lookupId);
    if (node.done) return "reused";
    if (!prior) return "unknown";
    const names = Object.keys(inputs);
    const same =
      names.length === Object.keys(prior.inputs).length &&
      names.every((n) => prior.inputs[n] === inputs[n]);
    if (same && prior.state === "resolved" && prior.output) {
      if (lookupId !== node.id) return { artifact: prior.output, runId: lookupId };
      this.adoptOutput(node, prior.output);
      return "reused";
    }
    // A run of another root is never taken over: it ended when that root was abandoned.
    if (lookupId !== node.id) return "unknown";
    return same && !TERMINAL_STATES.has(prior.state) ? "open" : "unknown";
  }

  /**
   * A run whose output an abandoned root's run made with the same inputs: recorded resolved, as a
   * cache hit is, naming that run as the original.
   */
  private settleReused(
    node: RunNode,
    artifact: Artifact,
    originalRunId: string,
    key: string | undefined,
  ): void {
    this.settleFromStored(node, artifact, originalRunId, key, { cached: false });
  }

  /**
   * Settles `node` resolved with an output another run stored (a cache hit, or a run of an
   * abandoned root), naming that run as the original. A cache hit holds no slot yet; a reused run
   * of an abandoned root does, and gives it back.
   */
  private settleFromStored(
    node: RunNode,
    artifact: Artifact,
    originalRunId: string,
    key: string | undefined,
    how: { cached: boolean },
  ): void {
    const value = this.config.registry.fromBytes(artifact.typeName, artifact.bytes);
    this.announce(artifact.id, () => artifact, how.cached);
    if (value !== null && typeof value === "object") this.artifactOfObject.set(value, artifact);
    this.noteOutput(node, artifact.id, value, artifact.typeName === COMPOSITE_TYPE);
    this.emitOutputEdge(node, artifact.id);
    this.emitState(node, "resolved", {
      ...(key !== undefined ? { cacheKey: key } : {}),
      originalRunId,
    });
    if (!how.cached) this.releaseSlot(node);
    node.settle("resolved", { value });
  }

  /** Settles `node` with an output that another process recorded (a job, an earlier attempt). */
  private adoptOutput(node: RunNode, artifact: Artifact): void {
    const value = this.config.registry.fromBytes(artifact.typeName, artifact.bytes);
    this.announced.add(artifact.id);
    if (value !== null && typeof value === "object") this.artifactOfObject.set(value, artifact);
    this.noteOutput(node, artifact.id, value, artifact.typeName === COMPOSITE_TYPE);
    this.releaseSlot(node);
    this.mirrorEnd(node, "resolved", { artifact });
    node.settle("resolved", { value });
  }

  /**
   * Runs `node` as its own job. Its run and inputs must be on the server first (the sink is
   * flushed); the worker writes the run's states, so this process emits none of them.
   */
  private async dispatchRun(
    node: RunNode,
    inputs: InputRef[],
    settings: CallSettings,
    key: string | undefined,
  ): Promise<void> {
    const dispatcher = this.config.dispatcher!;
    const budget = jobTimeBudgetMs(settings);
    await (this.config.serverSink ?? this.config.sink)?.flush?.();
    if (node.done) return;
    const outcome = await dispatcher.dispatch(
      {
        runId: node.id,
        stepName: node.future.spec.name,
        inputs,
        resources: settings.resources ?? {},
        ...(key !== undefined ? { cacheKey: key } : {}),
        ...(budget !== undefined ? { timeoutMs: budget } : {}),
        ...(this.slots ? { maxParallelism: this.config.maxParallelism } : {}),
        ...(this.config.cache ? {} : { cache: false as const }),
      },
      node.signal(),
      () => {
        if (node.done) return;
        node.state = "running";
        this.mirror({ type: "run-state", runId: node.id, state: "running", attempt: node.attempt });
      },
    );
    if (node.done) return;
    if (outcome.state === "resolved") {
      this.adoptOutput(node, outcome.artifact);
      return;
    }
    this.releaseSlot(node);
    if (outcome.state === "canceled") {
      this.mirrorEnd(node, "canceled");
      node.settle("canceled", { error: new RunCanceledError(node.stepName, outcome.reason) });
      return;
    }
    const info = outcome.error;
    // The worker's path starts at the dispatched step: put this process's path in front of it.
    const path = [...node.path.slice(0, -1), ...(info.path.length ? info.path : [node.stepName])];
    const error = new StepFailedError(info.stepName, path, info.runId, new RemoteStepError(info));
    const state = info.runId === node.id ? "failed" : "nested-failed";
    this.mirrorEnd(node, state, { error: info });
    node.settle(state, { error });
  }

  // ---- lineage flows (only while events are recorded) --------------------------------------

  /** The future, reference and via-the-parent flows into `node`, emitted once its inputs started. */
  private emitFlows(node: RunNode): void {
    const args = node.future.args;
    if (args.length === 0) return;
    const names = this.parameterNamesFor(node, args.length);
    const flows: Flow[] = [];
    for (let i = 0; i < args.length; i++) {
      const before = flows.length;
      argumentFlows(args[i], names[i]!, this.producerOf, flows);
      if (flows.length === before) this.parentFlow(node, i, names[i]!, args[i], flows);
    }
    if (flows.length > 0) this.emit({ type: "flow", runId: node.id, flows });
  }

  /**
   * "Via the parent": the parent awaited exactly one child whose output is this argument's artifact,
   * and the argument is none of the parent's own inputs. Anything else (no such child, several, a
   * value the parent computed) records no producer: equal values alone prove nothing.
   */
  private parentFlow(
    node: RunNode,
    index: number,
    parameter: string,
    value: unknown,
    out: Flow[],
  ): void {
    const parent = node.parent;
    const parentLineage = parent?.lineage;
    if (!parentLineage?.hasAwaitedOutputs) return;
    let id: string;
    try {
      const artifact = this.artifactFor(node, parameter, value);
      // A primitive cannot change before the run starts: its input edge reuses this artifact.
      if (value === null || typeof value !== "object") {
        ((node.lineage ??= new RunLineage()).argArtifacts ??= [])[index] = artifact;
      }
      id = artifact.id;
    } catch {
      return; // the input edges report it, with the step and parameter, when the run starts
    }
    if (parentLineage.hasInput(id)) return;
    // Only outputs the parent's body had received when it made this call (null when ambiguous).
    const from = parentLineage.awaitedOutputOf(id, node.future.outputsNotedBefore);
    if (from) out.push({ from: from.id, kind: "parent", parameter, path: parameter });
  }

  /** Called by a body's `await future`: the parent consumed its child's value. */
  recordAwaited(parent: RunNode, child: RunNode): void {
    if (!this.config.sink || child === parent || child.resolution !== this) return;
    const lineage = (parent.lineage ??= new RunLineage());
    if (!lineage.addAwaited(child)) return;
    const childLineage = (child.lineage ??= new RunLineage());
    if (childLineage.output !== undefined) lineage.addAwaitedOutput(child, childLineage.output);
    // A run that has not resolved yet tells its awaiters its output when it comes (noteOutput).
    else if (!child.done) childLineage.addAwaiter(parent);
    this.awaitedFlows.add(parent, child.id);
  }

  /** Remembers a run's output for the flows of later consumers. */
  private noteOutput(node: RunNode, artifactId: string, value: unknown, composite = false): void {
    if (!this.config.sink) return;
    const lineage = (node.lineage ??= new RunLineage());
    lineage.output = artifactId;
    for (const parent of lineage.awaitersOf()) parent.lineage!.addAwaitedOutput(node, artifactId);
    // The innermost run that returned an object made it: a parent returning it does not take over.
    if (value !== null && typeof value === "object" && !this.producerOfObject.has(value)) {
      this.producerOfObject.set(value, node.id);
    }
    // A composite's parts are objects this run returned too: `b(out.table)` passes one on.
    if (composite) {
      for (const part of innerObjects(value)) {
        if (!this.producerOfObject.has(part)) this.producerOfObject.set(part, node.id);
      }
    }
  }

  private parameterNamesFor(node: RunNode, count: number): string[] {
    const declared = node.future.spec.parameters;
    const names: string[] = [];
    const used = new Set<string>();
    for (let i = 0; i < count; i++) {
      let name = declared[i] ?? declared[declared.length - 1] ?? `arg${i}`;
      // Extra arguments (rest parameters) get the rest name with their index.
      if (used.has(name)) name = `${name}[${i}]`;
      used.add(name);
      names.push(name);
    }
    return names;
  }

  private async attempts(
    node: RunNode,
    args: unknown[],
    settings: CallSettings,
    key: string | undefined,
  ): Promise<void> {
    const retry = resolveRetry(settings.retry);
    // Waiting for a slot can take long: the run shows as scheduled meanwhile.
    if (this.slots) this.sendScheduled(node);
    for (;;) {
      if (this.slots) {
        await this.slots.acquire();
        node.holdsSlot = true;
        if (node.done) {
          this.releaseSlot(node);
          return;
        }
      }
      this.emitState(node, "running");
      let value: unknown;
      try {
        value = await this.runBody(node, args, settings.timeoutMs);
      } catch (error) {
        this.releaseSlot(node);
        if (node.done) return;
        const nested = this.isDescendantFailure(node, error);
        const retriable =
          !nested &&
          !(error instanceof ArtifactSerializationError) &&
          !(error instanceof UnusedFutureError);
        if (retriable && node.attempt < retry.attempts && shouldRetry(retry, error)) {
          this.cancelChildren(node, `"${node.stepName}" is being retried`);
          node.endAttempt(() => error);
          this.emitState(node, "retrying", { error: this.errorInfo(node, error) });
          await node.sleep(backoffDelay(retry, node.attempt));
          if (node.done) return;
          node.attempt++;
          node.created = [];
          node.calls = 0;
          continue;
        }
        this.fail(node, error);
        return;
      }
      this.releaseSlot(node);
      if (node.done) return;
      const useCache =
        settings.cache === true && this.config.cache !== undefined && key !== undefined;
      if (this.config.sink || useCache) {
        const artifact = this.recordOutput(node, value);
        if (useCache && this.config.cache) {
          await this.config.cache.store(key!, {
            runId: node.id,
            artifact: this.info(artifact),
            bytes: artifact.bytes,
          });
          if (node.done) return;
        }
      } else {
        this.checkStorable(node, "output", value);
      }
      this.finish(node, "resolved", { value });
      return;
    }
  }

  /** Records a run's output: its artifact, the output edge, and who made the value. */
  private recordOutput(node: RunNode, value: unknown): Artifact {
    const artifact = this.artifactFor(node, "output", value);
    this.emitOutputEdge(node, artifact.id);
    this.noteOutput(node, artifact.id, value, artifact.typeName === COMPOSITE_TYPE);
    return artifact;
  }

  /** The edge from a run to the artifact of its output (named "output"). */
  private emitOutputEdge(node: RunNode, artifactId: string): void {
    this.emit({ type: "edge", runId: node.id, direction: "output", name: "output", artifactId });
  }

  /**
   * The one attempt of a recorded run with no retry, timeout, cache or parallelism limit, run
   * without the runner's own promises ({@link attempts} and its body's settling make three, each
   * seen by Node's async hooks): a body that returns a plain value ends the run right here. A body
   * that returns a promise or futures goes on in {@link settleInline}.
   */
  private attemptInline(node: RunNode, args: unknown[], settings: CallSettings): boolean {
    if (this.slots || settings.retry !== undefined || settings.timeoutMs !== undefined) {
      return false;
    }
    this.emitState(node, "running");
    let result: unknown;
    try {
      result = this.callBody(node, args);
    } catch (error) {
      if (!node.done) this.fail(node, error);
      return true;
    }
    if (this.needsSettling(result)) {
      void this.settleInline(node, result);
      return true;
    }
    try {
      if (node.created.length > 0) this.checkUnused(node);
      this.recordOutput(node, result);
    } catch (error) {
      if (!node.done) this.fail(node, error);
      return true;
    }
    this.finish(node, "resolved", { value: result });
    return true;
  }

  private async settleInline(node: RunNode, result: unknown): Promise<void> {
    try {
      const value = await this.settleBody(node, result);
      if (node.done) return;
      this.recordOutput(node, value);
      this.finish(node, "resolved", { value });
    } catch (error) {
      if (!node.done) this.fail(node, error);
    }
  }

  /** Runs the body once, inside the run's scope, with its timeout; resolves returned futures. */
  private runBody(node: RunNode, args: unknown[], timeoutMs: number | undefined): Promise<unknown> {
    const body = this.runBodyOnce(node, args);
    if (timeoutMs === undefined) return body;
    return new Promise((resolve, reject) => {
      node.setTimer(timeoutMs, () => reject(new StepTimeoutError(node.stepName, timeoutMs)));
      body.then(resolve, reject);
    });
  }

  private runBodyOnce(node: RunNode, args: unknown[]): Promise<unknown> {
    return this.settleBody(node, this.callBody(node, args));
  }

  /**
   * Calls the step's body in the run's scope and counts it as running until it returns, or, when
   * it returns a promise, until that settles (a canceled step's code may run on after its run
   * ended). A body that throws is counted returned, and the error thrown on.
   */
  private callBody(node: RunNode, args: unknown[]): unknown {
    const fn = node.future.spec.fn as (...a: unknown[]) => unknown;
    node.bodiesRunning++;
    let result: unknown;
    try {
      result = runStorage().run({ node }, fn, ...args);
    } catch (error) {
      this.bodyReturned(node);
      throw error;
    }
    if (!isFuture(result) && typeof (result as PromiseLike<unknown> | null)?.then === "function") {
      const returned = (): void => this.bodyReturned(node);
      Promise.resolve(result).then(returned, returned);
    } else {
      this.bodyReturned(node);
    }
    return result;
  }

  /**
   * Calls `listener` each time the code of a run that had already ended returns at last (a run
   * {@link stillRunning} named), so that views can stop saying that it runs.
   */
  onLingeringEnd(listener: () => void): void {
    this.lingeringEnded = listener;
  }

  private bodyReturned(node: RunNode): void {
    node.bodiesRunning--;
    if (node.done && node.bodiesRunning === 0) this.lingeringEnded?.();
  }

  /**
   * Runs that ended (canceled, timed out, failed with a sibling) while their code still runs in
   * this process: it stops only when it checks `runContext().signal`, or when the kernel restarts.
   */
  stillRunning(): { runId: string; stepName: string }[] {
    const found: { runId: string; stepName: string }[] = [];
    const visit = (node: RunNode): void => {
      if (node.done && node.bodiesRunning > 0) {
        found.push({ runId: node.id, stepName: node.stepName });
      }
      node.children.forEach(visit);
    };
    this.topLevel.forEach(visit);
    return found;
  }

  /** Whether a body's result is a promise, or holds futures that must run before it is a value. */
  private needsSettling(result: unknown): boolean {
    if (result === null || typeof result !== "object") return false;
    if (isFuture(result) || typeof (result as PromiseLike<unknown>).then === "function") {
      return true;
    }
    return isPlainObject(result) || Array.isArray(result) ? hasFuture(result) : false;
  }

  /** Awaits a body's promise, runs the futures it returned as children, checks for unused ones. */
  private async settleBody(node: RunNode, body: unknown): Promise<unknown> {
    let result = body;
    // Awaiting a returned future here would resolve it outside this run's scope, as a new root run:
    // only real promises are awaited; futures are started as children below.
    if (!isFuture(result) && typeof (result as PromiseLike<unknown> | null)?.then === "function") {
      result = await result;
    }
    if (result !== null && typeof result === "object") {
      const returned: Future<unknown>[] = [];
      collectFutures(result, returned);
      if (returned.length > 0) {
        this.releaseSlot(node);
        for (const f of returned) {
          if (!f.promise) this.start(f, node);
          // A returned future is the parent's output: recorded as awaited, as an async body's
          // `return future` (which JavaScript awaits) already is.
          if (this.config.sink && f.node) this.recordAwaited(node, f.node);
        }
        if (isFuture(result)) {
          result = await result.promise;
        } else {
          // One wait for all of them, then the value is built: no promise per returned future.
          const values = await Promise.all(returned.map((f) => f.promise));
          result = replaceFutures(result, values);
        }
      }
    }
    if (node.created.length > 0) this.checkUnused(node);
    return result;
  }

  private checkUnused(node: RunNode): void {
    const unused = node.created.filter((f) => !f.promise);
    if (unused.length === 0) return;
    // Name the outermost unused futures: an unused future's own inputs are unused because of it.
    const outer = unused.filter((f) => !f.consumedBy || !unused.includes(f.consumedBy));
    const reported = outer.length ? outer : unused;
    const names = [...new Set(reported.map((f) => `"${f.name}"`))].join(", ");
    const count = reported.length === 1 ? "a future" : `${reported.length} futures`;
    throw new UnusedFutureError(
      `step "${node.stepName}" created ${count} of ${names} that it never awaited, returned ` +
        "or passed to another step: await it, return it, or remove the call",
    );
  }

  // ---- artifacts ----------------------------------------------------------------------------

  /** Fails like {@link artifactFor} would, without hashing or summarizing (nobody records it). */
  private checkStorable(node: RunNode, parameter: string | number, value: unknown): void {
    const t = typeof value;
    if (t === "number" || t === "string" || t === "boolean" || value === null) return;
    if (value !== null && typeof value === "object" && this.artifactOfObject.has(value)) return;
    try {
      this.config.registry.typeOf(value).serialize(value);
    } catch (error) {
      const reason =
        error instanceof UnserializableValueError ? error.reason : errorOf(error).message;
      const name =
        typeof parameter === "number"
          ? this.parameterNamesFor(node, node.future.args.length)[parameter]!
          : parameter;
      throw new ArtifactSerializationError(node.stepName, name, describeValueType(value), reason);
    }
  }

  private artifactFor(node: RunNode, parameter: string, value: unknown): Artifact {
    const cached =
      value !== null && typeof value === "object" ? this.artifactOfObject.get(value) : undefined;
    if (cached) return cached;
    let artifact: Artifact;
    try {
      artifact = this.config.registry.toArtifact(value);
    } catch (error) {
      const reason =
        error instanceof UnserializableValueError ? error.reason : errorOf(error).message;
      throw new ArtifactSerializationError(
        node.stepName,
        parameter,
        describeValueType(value),
        reason,
      );
    }
    if (value !== null && typeof value === "object") this.artifactOfObject.set(value, artifact);
    this.announce(artifact.id, () => artifact, true);
    return artifact;
  }

  private info(artifact: Artifact) {
    return {
      id: artifact.id,
      typeName: artifact.typeName,
      mediaType: artifact.mediaType,
      size: artifact.size,
      summary: artifact.summary,
    };
  }

  private announce(id: string, artifact: () => Artifact, store: boolean): void {
    const sink = this.config.sink;
    if (!sink || this.announced.has(id)) return;
    this.announced.add(id);
    const a = artifact();
    // A composite's parts first: each is an artifact of its own, which the composite names.
    for (const part of a.parts ?? []) this.announce(part.id, () => part, store);
    if (store) sink.storeArtifact?.(a);
    this.emit({ type: "artifact", artifact: this.info(a) });
  }

  // ---- endings ------------------------------------------------------------------------------

  releaseSlot(node: RunNode): void {
    if (node.holdsSlot) {
      node.holdsSlot = false;
      this.slots?.release();
    }
  }

  private isDescendantFailure(node: RunNode, error: unknown): boolean {
    return error instanceof StepFailedError && error.runId !== node.id;
  }

  private errorInfo(node: RunNode, error: unknown): ErrorInfo {
    return errorInfoOf(error, { stepName: node.stepName, path: node.path, runId: node.id });
  }

  private fail(node: RunNode, error: unknown): void {
    const nested = this.isDescendantFailure(node, error);
    const thrown = nested ? error : new StepFailedError(node.stepName, node.path, node.id, error);
    this.finish(
      node,
      nested ? "nested-failed" : "failed",
      { error: thrown },
      this.errorInfo(node, error),
    );
  }

  private finish(
    node: RunNode,
    state: RunState,
    outcome: { value?: unknown; error?: unknown },
    error?: ErrorInfo,
  ): void {
    if (node.done) return;
    this.releaseSlot(node);
    if (this.config.sink) this.awaitedFlows.flush(node);
    this.emitState(node, state, error ? { error } : {});
    node.settle(state, outcome);
    // Most runs have no children: their reason is not even written.
    if (node.children.length > 0) {
      this.cancelChildren(node, `its parent "${node.stepName}" ended (${state})`);
    }
  }

  /** Cancels a run that has not ended, and everything under it. */
  cancel(node: RunNode, reason: string, rejectWith?: unknown): void {
    if (node.done) return;
    this.finish(node, "canceled", {
      error: rejectWith ?? new RunCanceledError(node.stepName, reason),
    });
  }

  private cancelChildren(node: RunNode, reason: string): void {
    for (const child of node.children) if (!child.done) this.cancel(child, reason);
  }

  /** Cancels the whole resolution (the caller's signal, or a cancel request from the server). */
  cancelAll(reason: string): void {
    for (const node of this.topLevel) this.cancel(node, reason);
  }
}
