/**
 * Lineage flows of one argument, recorded where the data flows (design.md, "Lineage edges: recorded,
 * never guessed"): a future inside the argument names the run it will become, an object another run
 * returned names that run. Nothing here compares values: equal artifacts of unrelated runs stay apart.
 *
 * @example
 * ```ts
 * // train({ data: load(), lr: 0.1 }) gives, for the parameter "config":
 * // [{ from: <load's run>, kind: "future", parameter: "config", path: "config.data" }]
 * ```
 */
import type { Flow } from "../events";
import { isFuture, isPlainObject } from "../future-values";
import type { Artifact } from "../types/artifact";
import type { RunNode } from "./run-node";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The path of `key` inside the part at `path`: `config.data`, `xs[2]`, `m["a b"]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Appends the `future` and `reference` flows found in `value` (the argument `parameter`, at any
 * depth of arrays and plain objects) to `out`. Futures must have been started (they name their run).
 * `producerOf` answers which run returned an object, if one did.
 */
export function argumentFlows(
  value: unknown,
  parameter: string,
  producerOf: (value: object) => string | undefined,
  out: Flow[],
  path: string = parameter,
): void {
  if (value === null || typeof value !== "object") return;
  if (isFuture(value)) {
    if (value.node) out.push({ from: value.node.id, kind: "future", parameter, path });
    return;
  }
  const producer = producerOf(value);
  if (producer !== undefined) {
    out.push({ from: producer, kind: "reference", parameter, path });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === "object") {
        argumentFlows(item, parameter, producerOf, out, childPath(path, i));
      }
    }
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item !== null && typeof item === "object") {
        argumentFlows(item, parameter, producerOf, out, childPath(path, key));
      }
    }
  }
}

/**
 * What the flows into and out of one run need, kept on the run only while events are recorded.
 * Most runs are leaves that nobody awaits twice: every collection is made on first use, and all but
 * the output are dropped when the run settles ({@link release}), so that a 100,000-step fan-out
 * keeps one string per finished run here.
 */
export class RunLineage {
  /** The run's output artifact, once it resolved. */
  output: string | undefined;
  /** Primitive arguments' artifacts made for via-the-parent flows, reused for the input edges. */
  argArtifacts: Artifact[] | undefined;
  /** The run's own input artifacts: a child's argument equal to one of them has no parent flow. */
  private inputs: Set<string> | undefined;
  /** The children this run's body awaited. */
  private awaited: Set<RunNode> | undefined;
  /** The runs whose bodies awaited this one before it resolved. */
  private awaiters: RunNode[] | undefined;
  /** Outputs of the awaited children that resolved, by artifact id: the first child that made it. */
  private awaitedOutputs: Map<string, RunNode> | undefined;

  addInput(artifactId: string): void {
    (this.inputs ??= new Set()).add(artifactId);
  }

  hasInput(artifactId: string): boolean {
    return this.inputs?.has(artifactId) ?? false;
  }

  /** Records that this run's body awaited `child`; false when it already had. */
  addAwaited(child: RunNode): boolean {
    const awaited = (this.awaited ??= new Set());
    if (awaited.has(child)) return false;
    awaited.add(child);
    return true;
  }

  /** Records that `parent`'s body awaits this run (it hears this run's output when it comes). */
  addAwaiter(parent: RunNode): void {
    (this.awaiters ??= []).push(parent);
  }

  /** The runs whose bodies awaited this one before it resolved. */
  awaitersOf(): readonly RunNode[] {
    return this.awaiters ?? [];
  }

  /**
   * Awaited outputs noted so far: a future created in this run's body when this count was `n` can
   * only have been given the first `n` (its body had received no other yet).
   */
  outputsNoted = 0;
  /** When each awaited output was first noted, and when a second child made it (ambiguous). */
  private notedAt: Map<string, number> | undefined;
  private ambiguousAt: Map<string, number> | undefined;

  /** Notes that `child`, awaited by this run, resolved with `artifactId`. */
  addAwaitedOutput(child: RunNode, artifactId: string): void {
    const outputs = (this.awaitedOutputs ??= new Map());
    const known = outputs.get(artifactId);
    const at = this.outputsNoted++;
    if (known === undefined) {
      outputs.set(artifactId, child);
      (this.notedAt ??= new Map()).set(artifactId, at);
    } else if (known !== child && !this.ambiguousAt?.has(artifactId)) {
      (this.ambiguousAt ??= new Map()).set(artifactId, at);
    }
  }

  /**
   * The one awaited child that made `artifactId` among the first `noted` outputs this run's body
   * received: null when several did, undefined when none. A child that resolved after a future was
   * created cannot have given that future its argument, however equal the values.
   */
  awaitedOutputOf(
    artifactId: string,
    noted: number = this.outputsNoted,
  ): RunNode | null | undefined {
    const first = this.notedAt?.get(artifactId);
    if (first === undefined || first >= noted) return undefined;
    const ambiguous = this.ambiguousAt?.get(artifactId);
    if (ambiguous !== undefined && ambiguous < noted) return null;
    return this.awaitedOutputs?.get(artifactId);
  }

  get hasAwaitedOutputs(): boolean {
    return (this.awaitedOutputs?.size ?? 0) > 0;
  }

  /**
   * The run settled: its body makes no more children that could need its inputs or awaited
   * outputs, and its output already reached those awaiting it. Only the output stays (a parent
   * that awaits it later reads it).
   */
  release(): void {
    this.inputs = undefined;
    this.awaited = undefined;
    this.awaiters = undefined;
    this.awaitedOutputs = undefined;
    this.notedAt = undefined;
    this.ambiguousAt = undefined;
    this.argArtifacts = undefined;
  }
}
