/**
 * The errors Tsematic throws. Each says what failed, for which step, and what to do next.
 * `instanceof` works across two copies of the library (notebook cells may load it twice): every class
 * checks a `Symbol.for` brand instead of its prototype chain.
 */

const BRAND = Symbol.for("tsematic.error.v1");

/** Base class of every error Tsematic raises itself. */
export class TsematicError extends Error {
  declare readonly [BRAND]: ReadonlySet<string>;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    const kinds = new Set<string>();
    for (
      let p: unknown = new.target;
      typeof p === "function" && p !== Error;
      p = Object.getPrototypeOf(p)
    ) {
      kinds.add(p.name);
    }
    Object.defineProperty(this, BRAND, { value: kinds, enumerable: false });
  }

  /**
   * `error instanceof SomeTsematicError` checks the class names recorded at construction, so it holds
   * for errors made by another copy of the library. `this` is the class on the right of instanceof,
   * which makes subclasses (without any code of their own) precise.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const kinds = (value as { [BRAND]?: ReadonlySet<string> } | null)?.[BRAND];
    return kinds instanceof Set && kinds.has(this.name);
  }
}

/** A `func()` call or a step option was wrong. */
export class StepDefinitionError extends TsematicError {}

/**
 * A step failed. Thrown from `await future` / `future.resolve()`; the same error object travels up
 * through every parent, so the caller sees the innermost failing step with its path from the root.
 * `cause` is the original error; `stack` starts with the step path and keeps the original stack.
 */
export class StepFailedError extends TsematicError {
  /** Name of the step whose own code failed. */
  readonly stepName: string;
  /** Step names from the root run down to the failing step. */
  readonly path: readonly string[];
  /** Run id of the failing step. */
  readonly runId: string;

  constructor(stepName: string, path: readonly string[], runId: string, cause: unknown) {
    const original = cause instanceof Error ? cause : new Error(String(cause));
    super(
      `step "${stepName}" failed (${path.join(" > ")}): ${original.name}: ${original.message}`,
      { cause },
    );
    this.stepName = stepName;
    this.path = path;
    this.runId = runId;
    // Keep the original frames: they point at the user's code, which is what matters.
    const frames = (original.stack ?? "").split("\n").slice(1).join("\n");
    this.stack = `${this.name}: ${this.message}${frames ? `\n${frames}` : ""}`;
  }
}

/** A step ran longer than its `timeoutMs`. */
export class StepTimeoutError extends TsematicError {
  constructor(stepName: string, timeoutMs: number) {
    super(
      `step "${stepName}" timed out after ${timeoutMs} ms; raise its timeoutMs or make it faster`,
    );
  }
}

/** A run was canceled: by the user, or because a sibling or parent failed. */
export class RunCanceledError extends TsematicError {
  constructor(stepName: string, reason: string) {
    super(`step "${stepName}" was canceled: ${reason}`);
  }
}

/** A step created a future and neither awaited, returned nor passed it on. */
export class UnusedFutureError extends TsematicError {}

/** An input or output of a step could not be serialized as an artifact. */
export class ArtifactSerializationError extends TsematicError {
  constructor(
    readonly stepName: string,
    readonly parameter: string,
    readonly valueType: string,
    reason: string,
  ) {
    super(
      `step "${stepName}": cannot store ${parameter === "output" ? "its output" : `argument "${parameter}"`} ` +
        `(a ${valueType}): ${reason}`,
    );
  }
}
