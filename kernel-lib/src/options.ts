/** Step options (`func(options, fn)`) and per-call settings (`future.set`), with their validation. */
import { StepDefinitionError } from "./errors";
import type { ResourceRequest } from "./events";

/** Which errors are retried: a predicate, or a list of error classes (matched with `instanceof`). */
export type RetryFilter =
  ((error: unknown) => boolean) | ReadonlyArray<abstract new (...args: never[]) => unknown>;

/** Retry policy for a step. */
export interface RetryOptions {
  /** Total tries, including the first (so `attempts: 3` retries twice). At least 1. */
  attempts: number;
  /** Delay before the first retry, in ms. Default 100. */
  backoffMs?: number;
  /** Each further retry waits this many times longer. Default 2. */
  backoffFactor?: number;
  /** Upper bound on one delay, in ms. Default 30 000. */
  maxBackoffMs?: number;
  /** Which errors to retry. Default: every error raised by the step's own code, timeouts included. */
  retryOn?: RetryFilter;
}

/** Options of `func(options, fn)`. */
export interface StepOptions {
  /** The step's name; defaults to the function's name. */
  name?: string;
  /** Replaces the source-code hash in the cache key: bump it to invalidate cached results. */
  version?: string;
  /** Reuse the outputs of an earlier run with the same cache key instead of running. */
  cache?: boolean;
  tags?: string[];
  resources?: ResourceRequest;
  /** A retry policy, or just the number of total attempts. */
  retry?: RetryOptions | number;
  /** Fail the step (and cancel its children) if it runs longer than this. */
  timeoutMs?: number;
  /**
   * Run as its own job on the executor even without `resources`, when the resolution has one
   * (`future.resolve({ executor: "local" })`). Steps with `resources` are dispatched anyway.
   */
  remote?: boolean;
}

/** What `future.set()` may change for one call. */
export type CallSettings = Omit<StepOptions, "version">;

/** A retry policy with every default filled in. */
export interface ResolvedRetry {
  attempts: number;
  backoffMs: number;
  backoffFactor: number;
  maxBackoffMs: number;
  retryOn?: RetryFilter;
}

const NO_RETRY: ResolvedRetry = { attempts: 1, backoffMs: 0, backoffFactor: 1, maxBackoffMs: 0 };

function fail(where: string, message: string): never {
  throw new StepDefinitionError(`${where}: ${message}`);
}

function checkCount(where: string, key: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    fail(where, `${key} must be a number >= ${min}, got ${JSON.stringify(value)}`);
  }
}

/** Validates options; `where` names the step for the error message. */
export function validateOptions(
  where: string,
  options: CallSettings & { version?: unknown },
): void {
  if (options === null || typeof options !== "object") {
    fail(where, `options must be an object, got ${String(options)}`);
  }
  const known = new Set([
    "name",
    "version",
    "cache",
    "tags",
    "resources",
    "retry",
    "timeoutMs",
    "remote",
  ]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) fail(where, `unknown option "${key}" (known: ${[...known].join(", ")})`);
  }
  if (options.name !== undefined && (typeof options.name !== "string" || !options.name.trim())) {
    fail(where, "name must be a non-empty string");
  }
  if (options.version !== undefined && typeof options.version !== "string") {
    fail(where, "version must be a string");
  }
  if (options.cache !== undefined && typeof options.cache !== "boolean") {
    fail(where, "cache must be true or false");
  }
  if (options.remote !== undefined && typeof options.remote !== "boolean") {
    fail(where, "remote must be true or false");
  }
  if (
    options.tags !== undefined &&
    (!Array.isArray(options.tags) || options.tags.some((t) => typeof t !== "string"))
  ) {
    fail(where, "tags must be an array of strings");
  }
  if (options.resources !== undefined) {
    const r = options.resources;
    if (r === null || typeof r !== "object") fail(where, "resources must be an object");
    for (const key of Object.keys(r)) {
      if (!["cpus", "memoryMiB", "gpus"].includes(key)) {
        fail(where, `unknown resource "${key}" (known: cpus, memoryMiB, gpus)`);
      }
    }
    checkCount(where, "resources.cpus", r.cpus, 0);
    checkCount(where, "resources.memoryMiB", r.memoryMiB, 0);
    checkCount(where, "resources.gpus", r.gpus, 0);
    if (r.gpus !== undefined && !Number.isInteger(r.gpus)) {
      fail(where, "resources.gpus must be a whole number");
    }
  }
  if (options.retry !== undefined) {
    const retry = typeof options.retry === "number" ? { attempts: options.retry } : options.retry;
    if (retry === null || typeof retry !== "object") {
      fail(where, "retry must be a number or an object");
    }
    if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
      fail(
        where,
        `retry.attempts must be a whole number >= 1 (total tries), got ${JSON.stringify(retry.attempts)}`,
      );
    }
    checkCount(where, "retry.backoffMs", retry.backoffMs, 0);
    checkCount(where, "retry.backoffFactor", retry.backoffFactor, 1);
    checkCount(where, "retry.maxBackoffMs", retry.maxBackoffMs, 0);
    if (
      retry.retryOn !== undefined &&
      typeof retry.retryOn !== "function" &&
      !Array.isArray(retry.retryOn)
    ) {
      fail(where, "retry.retryOn must be a function or an array of error classes");
    }
  }
  checkCount(where, "timeoutMs", options.timeoutMs, 1);
}

/** The retry policy with defaults. */
export function resolveRetry(retry: RetryOptions | number | undefined): ResolvedRetry {
  if (retry === undefined) return NO_RETRY;
  const r = typeof retry === "number" ? { attempts: retry } : retry;
  return {
    attempts: r.attempts,
    backoffMs: r.backoffMs ?? 100,
    backoffFactor: r.backoffFactor ?? 2,
    maxBackoffMs: r.maxBackoffMs ?? 30_000,
    retryOn: r.retryOn,
  };
}

/** Delay before retry number `retry` (1 for the first retry). */
export function backoffDelay(policy: ResolvedRetry, retry: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * policy.backoffFactor ** (retry - 1));
}

/** Whether `error` should be retried under `policy`. */
export function shouldRetry(policy: ResolvedRetry, error: unknown): boolean {
  const filter = policy.retryOn;
  if (filter === undefined) return true;
  if (typeof filter === "function" && !Array.isArray(filter)) {
    return (filter as (e: unknown) => boolean)(error);
  }
  return (filter as ReadonlyArray<abstract new (...args: never[]) => unknown>).some(
    (cls) => error instanceof cls,
  );
}
