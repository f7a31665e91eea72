/** One run of a step inside a resolution: its place in the graph, state, timers and settlement. */
import { RunCanceledError } from "../errors";
import type { RunState } from "../events";
import type { Future } from "../future";
import { newRunId } from "./ids";
import type { RunLineage } from "./flows";
import type { Resolution } from "./resolution";

// Shared empty lists until a run has children or creates futures: most runs never do.
const NO_RUNS = Object.freeze([]) as unknown as RunNode[];
const NO_FUTURES = Object.freeze([]) as unknown as Future<unknown>[];

export class RunNode {
  readonly id: string;
  state: RunState = "created";
  attempt = 1;
  /** Runs started from this run's body (awaited or returned futures), across attempts. */
  children: RunNode[] = NO_RUNS;
  /** Futures created by this run's body during the current attempt. */
  created: Future<unknown>[] = NO_FUTURES;
  /** Settled: resolved, failed or canceled. Later results of a still-running body are ignored. */
  done = false;
  /**
   * Bodies of this run whose code has not returned yet. A body that ignores its signal keeps running
   * after its run ended (canceled): JavaScript cannot stop it; a kernel restart does (tslab's
   * interrupt only stops the cell that is executing).
   */
  bodiesRunning = 0;
  holdsSlot = false;
  /** Resuming from an abandoned root: the id this run had there (see ResolutionConfig.priorRootId). */
  priorId: string | undefined;
  /** Futures this run's body started in its current attempt (the call index of durable ids). */
  calls = 0;
  /** What lineage flows need to know about this run; only while events are recorded. */
  lineage: RunLineage | undefined;
  /**
   * The cache key of a scheduled state not sent yet: it rides on the run's next state event, so a
   * run that starts (or is found in the cache) right away costs one state event, not two.
   */
  unsentScheduledKey: string | undefined;
  readonly promise: Promise<unknown>;
  private settleResolve!: (value: unknown) => void;
  private settleReject!: (error: unknown) => void;
  // Made on first use: most runs never need a signal, a timer or a sleeper.
  private controller: AbortController | undefined;
  private timers: Set<NodeJS.Timeout> | undefined;
  private sleepers: Array<() => void> | undefined;

  constructor(
    readonly resolution: Resolution,
    readonly future: Future<unknown>,
    readonly parent: RunNode | null,
    id: string = newRunId(),
  ) {
    this.id = id;
    this.promise = new Promise((resolve, reject) => {
      this.settleResolve = resolve;
      this.settleReject = reject;
    });
  }

  /** Step names from the root run down to this one (built on demand: only errors need it). */
  get path(): string[] {
    const names: string[] = [];
    for (let node: RunNode | null = this.parent; node; node = node.parent) {
      names.push(node.stepName);
    }
    return [...names.reverse(), this.stepName];
  }

  get stepName(): string {
    return this.future.name;
  }

  addChild(child: RunNode): void {
    if (this.children === NO_RUNS) this.children = [];
    this.children.push(child);
  }

  addCreated(future: Future<unknown>): void {
    if (this.created === NO_FUTURES) this.created = [];
    this.created.push(future);
  }

  /** The abort signal of the current attempt. */
  signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Called by `await future` inside this run's body. */
  awaitChild(future: Future<unknown>): Promise<unknown> {
    // A parent waiting on children does not hold a parallelism slot, or a limit of N could deadlock.
    this.resolution.releaseSlot(this);
    const promise = future.promise ?? this.resolution.start(future, this);
    if (future.node) this.resolution.recordAwaited(this, future.node);
    return promise;
  }

  /** A timer that is cleared when the attempt ends, so nothing dangles after cancellation. */
  setTimer(ms: number, fire: () => void): void {
    const timers = (this.timers ??= new Set());
    const timer = setTimeout(() => {
      timers.delete(timer);
      fire();
    }, ms);
    timers.add(timer);
  }

  /** Waits `ms`, or less if the run ends first. */
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.setTimer(ms, resolve);
      (this.sleepers ??= []).push(resolve);
    });
  }

  /** Aborts the current attempt's signal and clears its timers: before a retry or at the end. */
  endAttempt(reason: () => unknown): void {
    if (this.timers) {
      for (const timer of this.timers) clearTimeout(timer);
      this.timers = undefined;
    }
    if (this.sleepers) for (const wake of this.sleepers.splice(0)) wake();
    if (this.controller) {
      // The reason is made only when someone holds the signal: errors with stacks are not free.
      this.controller.abort(reason());
      this.controller = undefined;
    }
  }

  /** Settles the run: records the final state and wakes whoever awaits it. */
  settle(state: RunState, outcome: { value?: unknown; error?: unknown }): void {
    this.done = true;
    this.state = state;
    this.lineage?.release();
    this.endAttempt(
      () => outcome.error ?? new RunCanceledError(this.stepName, `the run ended (${state})`),
    );
    if (state === "resolved") {
      this.settleResolve(outcome.value);
    } else {
      // A canceled or failed run may have nobody awaiting it (a sibling of a failure): whoever does
      // await it still sees the rejection, but Node must not report it as unhandled.
      this.promise.catch(() => undefined);
      this.settleReject(outcome.error);
    }
  }
}
