/** `Future<T>`: the lazy result of calling a step. */
import type { NotebookSnapshot } from "./cloud/packages";
import { currentScope } from "./context";
import { StepDefinitionError } from "./errors";
import type { RunEnvironment } from "./events";
import { validateOptions, type CallSettings } from "./options";
import type { EventSink } from "./events";
import type { RunGraph } from "./runner/graph";
import type { TypeRegistry } from "./types/registry";
import type { RunNode } from "./runner/run-node";
import { rootRunner } from "./runner/backend";
import { collectFutures, FUTURE_BRAND } from "./future-values";
import type { StepSpec } from "./step";

/** A value, or a future of it. */
export type Futurable<T> = T | Future<T>;

/**
 * What a step accepts for each parameter: the value, a future of it, or (for arrays and plain
 * objects) the same shape with futures inside.
 */
export type FutureArgs<A extends unknown[]> = { [K in keyof A]: DeepFuturable<A[K]> };

type DeepFuturable<T> =
  | T
  | Future<T>
  | (T extends readonly unknown[]
      ? { [K in keyof T]: DeepFuturable<T[K]> }
      : T extends (...args: never[]) => unknown
        ? never
        : T extends object
          ? { [K in keyof T]: T[K] | Future<T[K]> }
          : never);

/** Options of `future.resolve()` and `future.run()`. */
export interface ResolveOptions {
  /**
   * `true` (default): a local tracked run, recorded by the lineage server. `false`: a silent run,
   * in this process only, with no server and no writes.
   */
  tracking?: boolean;
  /** At most this many step bodies run at once (a step waiting for its children does not count). */
  maxParallelism?: number;
  /** Also receives every event of the run. */
  sink?: EventSink;
  /** Aborting it cancels the whole run. */
  signal?: AbortSignal;
  /** Cache namespace: runs only reuse cached results from the same namespace. Default "default". */
  namespace?: string;
  /** The type registry to serialize artifacts with. Default: the process-wide one. */
  registry?: TypeRegistry;
  /** Recorded with tracked root runs (e.g. the notebook's path). */
  environment?: Partial<RunEnvironment>;
  /**
   * Run steps that declare `resources` (or `remote: true`) as jobs on this executor (`"local"`);
   * the others run here. Every registered step's resources are validated before anything runs.
   */
  executor?: string;
  /**
   * With `executor`: the script or notebook whose code the workers load. Default: the kernel's
   * notebook (`TSEMATIC_NOTEBOOK_FILE`, else the notebook path found for the run's environment),
   * else `process.argv[1]`.
   */
  package?: string;
}

/** Options of `future.submit()`. */
export interface SubmitOptions {
  /** The executor that runs the detached root and its dispatched steps (`"local"`). */
  executor: string;
  /**
   * The script or notebook to package (default as {@link ResolveOptions.package}), or a notebook
   * as its editor has it (JupyterLab's "Run Pipeline on Cluster…" sends the unsaved cells).
   */
  package?: string | NotebookSnapshot;
  /** Cache namespace. Default "default". */
  namespace?: string;
  /** The type registry to serialize the inputs with. Default: the process-wide one. */
  registry?: TypeRegistry;
  /** Recorded with the root run. */
  environment?: Partial<RunEnvironment>;
  /**
   * Where the run's jobs call the lineage server back: one of the URLs the server's operator
   * configured for the executor (`GET /executors` → `nodeUrls`). Default: the first of them. The
   * server refuses any other (400 `node_url_not_allowed`), so no job is ever told another URL.
   */
  nodeUrl?: string;
}

/** A detached root run: it goes on when this process ends. */
export interface SubmittedRun<T> {
  rootId: string;
  /** The root's job as the server answered the submission. */
  job: { id: string; state: string; runId: string; attempt: number };
  /** Waits for the root run's end (long polls) and returns its value, or throws its error. */
  result(): Promise<T>;
}

/** The result of `future.run()`: the value and the whole run graph. */
export interface PipelineRun<T> {
  value: T;
  rootId: string;
  graph: RunGraph;
}

const NO_INPUTS: readonly Future<unknown>[] = Object.freeze([]);
const NO_SETTINGS: CallSettings = Object.freeze({});

export { collectFutures, isFuture, isPlainObject } from "./future-values";

/**
 * The lazy result of calling a step. Nothing runs until it is awaited, resolved, returned from a
 * step, or passed to a step that runs.
 *
 * @example
 * ```ts
 * const f = train(data, 0.1).set({ name: "train-lr-0.1", retry: 2 });
 * const model = await f;                                 // local, tracked run
 * const quick = await train(data, 0.1).resolve({ tracking: false }); // silent run
 * ```
 */
export class Future<T> implements PromiseLike<T> {
  /** @internal */ readonly spec: StepSpec;
  /** @internal */ readonly args: readonly unknown[];
  /** @internal Futures among the arguments (any depth), in order. */
  readonly inputFutures: readonly Future<unknown>[];
  /** @internal */ settings: CallSettings = NO_SETTINGS;
  /** @internal Set once the future has been started by a resolution. */
  promise: Promise<T> | undefined;
  /** @internal The future this one was passed to as an argument. */
  consumedBy: Future<unknown> | undefined;
  /** @internal The run whose body created this future, if any. */
  readonly createdIn: RunNode | undefined;
  /**
   * @internal How many awaited outputs that body had received when it made this call: only those
   * can be this call's arguments passed on (lineage "via the parent").
   */
  readonly outputsNotedBefore: number;
  /** @internal The run this future became, once started. */
  node: RunNode | undefined;
  /** @internal The root resolution started by awaiting this future outside any step. */
  rootResolution: Promise<T> | undefined;

  /** @internal Use a step (`func()`) to make futures. */
  constructor(spec: StepSpec, args: readonly unknown[]) {
    this.spec = spec;
    this.args = args;
    let inputs: Future<unknown>[] | undefined;
    for (const arg of args) {
      // Most arguments are plain values: only allocate a list when a future shows up.
      if (arg !== null && typeof arg === "object") collectFutures(arg, (inputs ??= []));
    }
    this.inputFutures = inputs && inputs.length > 0 ? inputs : NO_INPUTS;
    for (const input of this.inputFutures) input.consumedBy ??= this as Future<unknown>;
    const scope = currentScope();
    this.createdIn = scope?.node;
    this.outputsNotedBefore = scope?.node.lineage?.outputsNoted ?? 0;
    scope?.node.addCreated(this as Future<unknown>);
  }

  /** The step's name for this call (after `set({ name })`). */
  get name(): string {
    return this.settings.name ?? this.spec.name;
  }

  /**
   * Adjusts this one call: `name`, `tags`, `cache`, `resources`, `retry`, `timeoutMs`.
   * Returns the same future, so it chains: `train(d).set({ retry: 3 })`.
   */
  set(settings: CallSettings): this {
    if (this.promise) {
      throw new StepDefinitionError(
        `${this.name}: set() was called after the future started running; call set() right after the step`,
      );
    }
    validateOptions(`${this.name}.set()`, settings);
    this.settings = { ...this.settings, ...settings };
    return this;
  }

  /**
   * Resolves the future. Inside a step this runs it as a child of the current run; outside, it starts
   * a new root run with the default runner (local, tracked).
   */
  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const scope = currentScope();
    const promise = scope
      ? (scope.node.awaitChild(this as Future<unknown>) as Promise<T>)
      : this.rootPromise({});
    return promise.then(onfulfilled, onrejected);
  }

  /**
   * Resolves the future as a new root run. `{ tracking: false }` runs silently, in-process.
   * Outside steps only: inside a step's body, `await` the future (it runs as a child of that step).
   */
  resolve(options: ResolveOptions = {}): Promise<T> {
    const misuse = this.rootCallInsideStep("resolve");
    return misuse ? Promise.reject(misuse) : this.rootPromise(options);
  }

  /** The same root run however often it is awaited (`await f` twice must not run it twice). */
  private rootPromise(options: ResolveOptions): Promise<T> {
    return (this.rootResolution ??= this.promise ?? rootRunner().resolve(this, options));
  }

  /**
   * Submits the future as a detached root run: the code is packaged, the inputs stored, and the
   * root runs as a driver job on the executor. Returns at once; this process may end.
   *
   * @example
   * ```ts
   * const run = await pipeline(1000).submit({ executor: "local" });
   * console.log(`tsematic show ${run.rootId}`);
   * const value = await run.result(); // or later, from another process
   * ```
   */
  submit(options: SubmitOptions): Promise<SubmittedRun<T>> {
    const misuse = this.rootCallInsideStep("submit");
    if (misuse) return Promise.reject(misuse);
    const runner = rootRunner();
    if (!runner.submit) {
      return Promise.reject(
        new StepDefinitionError("the root runner of this process cannot submit detached runs"),
      );
    }
    return runner.submit(this, options);
  }

  /**
   * Resolves the future as a new root run and returns its value with the whole run graph.
   * Outside steps only, as {@link Future.resolve}.
   */
  run(options: ResolveOptions = {}): Promise<PipelineRun<T>> {
    const misuse = this.rootCallInsideStep("run");
    return misuse ? Promise.reject(misuse) : rootRunner().run(this, options);
  }

  /**
   * A root run started from inside a step would be a separate, untracked pipeline that the step's
   * run never records: refuse it and say what to write instead.
   */
  private rootCallInsideStep(
    method: "resolve" | "run" | "submit",
  ): StepDefinitionError | undefined {
    const scope = currentScope();
    if (!scope) return undefined;
    const step = scope.node.stepName;
    return new StepDefinitionError(
      `${this.name}(...).${method}() was called inside the step "${step}": inside a step, write ` +
        `\`await ${this.name}(...)\` instead (it then runs as a child of "${step}"); ` +
        `${method}() starts a separate root run and is for code outside steps`,
    );
  }

  /**
   * A future is not its value: `${future}` or `future + 1` would silently give "[object Object]".
   * Called by every conversion to a string or number.
   */
  [Symbol.toPrimitive](): never {
    throw this.usedAsValue();
  }

  /** Throws, as {@link Future[Symbol.toPrimitive]}: a future has no text until it is awaited. */
  toString(): never {
    throw this.usedAsValue();
  }

  private usedAsValue(): StepDefinitionError {
    return new StepDefinitionError(
      `the future of step "${this.name}" was used as a plain value (turned into a string or a ` +
        `number), but nothing has run yet: \`await\` it to get its value, or pass the future ` +
        "itself to another step as an argument",
    );
  }
}

// The brand lives on the prototype: one property for all futures, checked by every copy of the library.
Object.defineProperty(Future.prototype, FUTURE_BRAND, { value: true });
