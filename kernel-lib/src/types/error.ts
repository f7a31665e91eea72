/**
 * Errors as artifacts: a step may return an Error (a validation result, a caught failure), and a
 * failed step's error is stored the same way.
 *
 * The bytes are canonical JSON: `{ name, message, stack, cause, errors, props }`. `cause` (and
 * each of an AggregateError's `errors`) is another such object when it is an error, `{ value }`
 * when it is data, or `{ text }` describing it when it is neither. `props` holds the error's
 * other own enumerable properties (`code`, `errno`, `path` of Node errors, custom fields).
 * Reading gives an Error of the built-in class of the same name (`TypeError`, ...) or an `Error`
 * whose `name` is the stored one, with the stored stack rather than one pointing at the reader.
 */
import type { ArtifactSummary, ArtifactType, JsonValue } from "./artifact";
import { decodeCanonical, encodeCanonical } from "./json";
import { describeValueType } from "./unserializable";

/** The shape of an error this type reads: an Error, or an object with the same three strings. */
export interface ErrorLike {
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
}

/** An error as stored: plain data, see the module documentation. */
interface ErrorRecord {
  name: string;
  message: string;
  stack: string | null;
  cause?: Cause;
  errors?: Cause[];
  props?: Record<string, unknown>;
}
type Cause = ErrorRecord | { value: unknown } | { text: string };

/** Causes deeper than this are cut: a chain that long is a loop that escaped detection, or noise. */
const MAX_CAUSE_DEPTH = 16;
const OWN_KEYS = new Set(["name", "message", "stack", "cause"]);

const BUILTIN_ERRORS: Record<string, new (message?: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Whether `value` is an error: an `Error` (of any realm), or a non-plain object with string
 * `name`, `message` and `stack`. Plain objects are data even with those keys: `{ name, message }`
 * returned by a step is a record, not a failure.
 *
 * @example
 * ```ts
 * isErrorLike(new RangeError("x"));               // true
 * isErrorLike({ name: "n", message: "m", stack: "s" }); // false: a plain object is data
 * ```
 */
export function isErrorLike(value: unknown): value is ErrorLike {
  if (typeof value !== "object" || value === null) return false;
  if (value instanceof Error || Object.prototype.toString.call(value) === "[object Error]") {
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return false;
  const v = value as Partial<Record<"name" | "message" | "stack", unknown>>;
  return typeof v.name === "string" && typeof v.message === "string" && typeof v.stack === "string";
}

/** `value` as data if the JSON type can store it, else a description. */
function dataOrText(value: unknown): { value: unknown } | { text: string } {
  try {
    encodeCanonical(value);
    return { value };
  } catch {
    return { text: `${describeValueType(value)}: ${safeString(value)}` };
  }
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "(no text)";
  }
}

function toRecord(error: ErrorLike, seen: Set<object>, depth: number): ErrorRecord {
  seen.add(error);
  const record: ErrorRecord = {
    name: safeString(error.name),
    message: safeString(error.message),
    stack: typeof error.stack === "string" ? error.stack : null,
  };
  const toCause = (value: unknown): Cause => {
    if (isErrorLike(value)) {
      if (seen.has(value)) return { text: `circular cause: ${safeString(value.name)} again` };
      if (depth >= MAX_CAUSE_DEPTH) {
        return { text: `${safeString(value.name)}: ${safeString(value.message)}` };
      }
      return toRecord(value, seen, depth + 1);
    }
    return dataOrText(value);
  };
  if ("cause" in error) record.cause = toCause(error.cause);
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors)) record.errors = errors.map(toCause);
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (OWN_KEYS.has(key) || (key === "errors" && record.errors)) continue;
    const item = dataOrText((error as unknown as Record<string, unknown>)[key]);
    props[key] = "value" in item ? item.value : item.text;
  }
  if (Object.keys(props).length > 0) record.props = props;
  seen.delete(error);
  return record;
}

function isRecord(cause: Cause): cause is ErrorRecord {
  return typeof (cause as ErrorRecord).message === "string";
}

function fromCause(cause: Cause): unknown {
  if (isRecord(cause)) return fromRecord(cause);
  return "value" in cause ? cause.value : cause.text;
}

function fromRecord(record: ErrorRecord): Error {
  const errors = record.errors?.map(fromCause);
  const error =
    record.name === "AggregateError" || errors
      ? new AggregateError(errors ?? [], record.message)
      : new (BUILTIN_ERRORS[record.name] ?? Error)(record.message);
  if (error.name !== record.name) {
    Object.defineProperty(error, "name", {
      value: record.name,
      writable: true,
      configurable: true,
    });
  }
  Object.defineProperty(error, "stack", {
    value: record.stack ?? `${record.name}: ${record.message}`,
    writable: true,
    configurable: true,
  });
  if (record.cause !== undefined) {
    // Non-enumerable, as the Error constructor's own `cause` option makes it.
    Object.defineProperty(error, "cause", {
      value: fromCause(record.cause),
      writable: true,
      configurable: true,
    });
  }
  if (record.props) Object.assign(error, record.props);
  return error;
}

/**
 * The summary of an error: `name`, `message`, `stack` (up to 4,000 characters) and the chain of
 * causes as `causes` (`name` and `message` of each, at most 5).
 *
 * @example
 * ```ts
 * summarizeError(new Error("load failed", { cause: new TypeError("bad row") }));
 * // { name: "Error", message: "load failed", stack: "Error: load failed\n    at ...",
 * //   causes: [{ name: "TypeError", message: "bad row" }] }
 * ```
 */
export function summarizeError(error: ErrorLike): ArtifactSummary {
  const record = toRecord(error, new Set(), 0);
  const causes: JsonValue[] = [];
  for (let c = record.cause; c && causes.length < 5; c = isRecord(c) ? c.cause : undefined) {
    causes.push(
      isRecord(c)
        ? { name: c.name, message: c.message }
        : { text: "value" in c ? safeString(c.value) : c.text },
    );
  }
  const stack = record.stack;
  return {
    name: record.name,
    message: record.message,
    stack: stack !== null && stack.length > 4000 ? `${stack.slice(0, 4000)}…` : stack,
    causes,
  };
}

/** The built-in type of errors. */
export const errorType: ArtifactType<ErrorLike> = {
  name: "error",
  mediaType: "application/json",
  matches: isErrorLike,
  serialize: (value) => new TextEncoder().encode(encodeCanonical(toRecord(value, new Set(), 0))),
  deserialize: (bytes) =>
    fromRecord(decodeCanonical(new TextDecoder().decode(bytes)) as ErrorRecord),
  summarize: (value) => summarizeError(value),
};
