/**
 * Artifact types: how a runtime value becomes typed, content-addressed bytes and back.
 *
 * @example
 * ```ts
 * import { registerType } from "tsematic";
 * class Vec { constructor(readonly xs: number[]) {} }
 * registerType<Vec>({
 *   name: "example.vec",
 *   mediaType: "application/json",
 *   matches: (v): v is Vec => v instanceof Vec,
 *   serialize: (v) => new TextEncoder().encode(JSON.stringify(v.xs)),
 *   deserialize: (b) => new Vec(JSON.parse(new TextDecoder().decode(b))),
 *   summarize: (v) => ({ length: v.xs.length }),
 * });
 * ```
 */
import type * as wire from "../wire";

/** JSON data, as stored in summaries and sent over the API. */
export type JsonValue = wire.JsonValue;

/** What the UI shows before fetching an artifact's value: small, JSON, type-specific. */
export type ArtifactSummary = wire.ArtifactInfo["summary"];

/** One kind of value that can cross a step boundary. */
export interface ArtifactType<T = unknown> {
  /** Stable identifier stored with every artifact of this type, e.g. `arrow.table`. */
  readonly name: string;
  /** Media type of the serialized bytes, e.g. `application/vnd.apache.arrow.stream`. */
  readonly mediaType: string;
  /** Whether this type handles the runtime value. Types are tried newest-registered first. */
  matches(value: unknown): value is T;
  /** Canonical bytes: equal values must give equal bytes. Throws a plain Error to reject a value. */
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
  /** Small JSON for the UI (a table: schema, row count, first rows, column statistics). */
  summarize(value: T, bytes: Uint8Array): ArtifactSummary;
}

/**
 * An artifact's identity and summary, without its bytes (what events and the API carry); `id` is
 * the content address: the hash of the type name and the bytes.
 */
export type ArtifactInfo = wire.ArtifactInfo;

/** An artifact with its bytes. */
export interface Artifact extends ArtifactInfo {
  bytes: Uint8Array;
  /**
   * A composite value's parts (tables, plots, bytes inside arrays and objects), each its own
   * artifact, stored beside the composite so each can be fetched and shown by its id.
   */
  parts?: Artifact[];
}
