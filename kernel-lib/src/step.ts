/** `func()`: turning a function into a pipeline step. */
import { StepDefinitionError } from "./errors";
import { hashText } from "./hash";
import { validateOptions, type CallSettings, type StepOptions } from "./options";
import { parameterNames } from "./params";
import { Future, type FutureArgs } from "./future";
import { registerStep } from "./step-registry";
import { cellSourceOf } from "./notebook/cell-source";
// Installs the local root runner: steps make futures, so whoever has a future has a runner.
import "./defaults";

/** What the runner needs to know about a step: fixed when `func()` is called. */
export interface StepSpec {
  readonly name: string;
  readonly fn: (...args: never[]) => unknown;
  readonly options: Readonly<StepOptions>;
  /** The options that apply to each call (all but `version`), before `future.set()`. */
  readonly callSettings: Readonly<CallSettings>;
  readonly sourceText: string;
  /** Hash of the source text, or of the explicit version. Part of the cache key. */
  readonly codeVersion: string;
  readonly sourceHash: string;
  /**
   * The TypeScript the function was written as, when it was written in a notebook cell (where
   * `sourceText` is tslab's compiled JavaScript). Shown to people; never part of the cache key.
   */
  readonly sourceTypeScript?: string;
  /** The execution count of the cell that holds `sourceTypeScript`. */
  readonly sourceCell?: number;
  readonly parameters: readonly string[];
}

/**
 * A pipeline step: call it like the function it wraps, with values or futures, to get a
 * {@link Future} of its result. Calling it never runs it.
 */
export interface Step<A extends unknown[], R> {
  (...args: FutureArgs<A>): Future<Awaited<R>>;
  /** The step's name (the function's name unless `name` was given). */
  readonly stepName: string;
  readonly spec: StepSpec;
}

function callSettingsOf(options: StepOptions): CallSettings {
  const { version: _version, ...settings } = options;
  return settings;
}

/**
 * Turns a function into a pipeline step, registered by name in this process ({@link stepByName}).
 *
 * @example
 * ```ts
 * import { func } from "tsematic";
 *
 * const add = func(function add(a: number, b: number) { return a + b; });
 * const train = func({ cache: true, retry: 3, resources: { cpus: 2 } },
 *   async function train(data: number[], lr: number) { return { lr, n: data.length }; });
 *
 * const pipeline = func(async function pipeline(x: number) {
 *   const sum = add(x, 1);                  // a Future<number>: nothing ran yet
 *   return train([await sum, 2, 3], 0.1);   // await runs `add` now; returning a future nests it
 * });
 * const model = await pipeline(41);
 * ```
 */
export function func<A extends unknown[], R>(fn: (...args: A) => R): Step<A, R>;
export function func<A extends unknown[], R>(
  options: StepOptions,
  fn: (...args: A) => R,
): Step<A, R>;
export function func<A extends unknown[], R>(
  optionsOrFn: StepOptions | ((...args: A) => R),
  maybeFn?: (...args: A) => R,
): Step<A, R> {
  const options: StepOptions = typeof optionsOrFn === "function" ? {} : optionsOrFn;
  const fn = typeof optionsOrFn === "function" ? optionsOrFn : maybeFn;
  if (typeof fn !== "function") {
    throw new StepDefinitionError(
      `func() needs a function: func(fn) or func(options, fn); got ${fn === undefined ? "nothing" : typeof fn}`,
    );
  }
  const name = options.name ?? fn.name;
  if (!name) {
    throw new StepDefinitionError(
      'func(): this function has no name; write `func(function myStep(...) {...})` or pass `{ name: "myStep" }`',
    );
  }
  validateOptions(`func(${name})`, options);
  const sourceText = Function.prototype.toString.call(fn);
  const sourceHash = hashText(sourceText);
  const typed = cellSourceOf(fn, sourceText, new Error().stack);
  const spec: StepSpec = Object.freeze({
    name,
    fn: fn as (...args: never[]) => unknown,
    options: Object.freeze({ ...options }),
    callSettings: Object.freeze(callSettingsOf(options)),
    sourceText,
    sourceHash,
    ...(typed ? { sourceTypeScript: typed.text, sourceCell: typed.cell } : {}),
    codeVersion: options.version !== undefined ? `version:${options.version}` : sourceHash,
    parameters: Object.freeze(parameterNames(fn as (...args: never[]) => unknown)),
  });
  const step = (...args: unknown[]) => new Future<Awaited<R>>(spec, args);
  Object.defineProperty(step, "name", { value: name });
  Object.defineProperty(step, "stepName", { value: name, enumerable: true });
  Object.defineProperty(step, "spec", { value: spec });
  // A worker that loaded a code package finds its steps by name (see stepByName).
  registerStep(step as unknown as Step<never[], unknown>);
  return step as unknown as Step<A, R>;
}
