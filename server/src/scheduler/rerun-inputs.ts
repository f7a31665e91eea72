/**
 * A rerun's new inputs: each replaces one argument of the root run. A JSON value must have the
 * shape of the old value (the same JSON type at every place; objects the same keys); an artifact
 * id must name a stored artifact of the old one's type (a table by a table). A refused input is a
 * 400 `bad_input` naming the parameter, before anything is created.
 *
 * New JSON values are stored as the kernel's JSON artifact type stores them (`json`: canonical
 * text, keys sorted), so that a worker decodes them as it decodes any argument, and equal values
 * get equal ids.
 */
import { createHash } from "node:crypto";
import { ApiError } from "../http/errors";
import type { InputPortView } from "../model/api";
import type { InputRef } from "../model/jobs";
import type { ArtifactBytes } from "../storage/artifact-bytes";
import type { Db } from "../storage/db";

/** One replaced argument, as `POST /runs/{id}/rerun` takes it. */
export type NewInput = { value: unknown } | { artifactId: string };

/** The kernel's JSON-like artifact type (kernel-lib/src/types/json.ts). */
export const JSON_TYPE = "json";
/** Old JSON values above this size are not read back to compare shapes. */
const MAX_OLD_VALUE_BYTES = 16 * 1024 * 1024;
const TAG = "$t";

/** A new artifact made from a JSON value: stored only when the rerun is created. */
export interface MadeArtifact {
  id: string;
  bytes: Buffer;
  summary: Record<string, unknown>;
}

export interface CheckedInputs {
  /** Every argument of the new root, in parameter order. */
  inputs: InputRef[];
  /** By name: the artifact each argument will be (absent for a new JSON value not stored yet). */
  view: Record<string, { artifactId?: string; typeName: string }>;
  made: MadeArtifact[];
}

const badInput = (parameter: string, message: string): ApiError =>
  new ApiError(400, "bad_input", `inputs.${parameter}: ${message}`, parameter);

/** Checks the new inputs against the root's old ones; throws 400 `bad_input` naming the first bad one. */
export async function checkInputs(
  db: Db,
  bytes: ArtifactBytes,
  root: { id: string; stepName: string },
  old: InputPortView[],
  replaced: Record<string, NewInput>,
): Promise<CheckedInputs> {
  const byName = new Map(old.map((port) => [port.name, port]));
  for (const name of Object.keys(replaced)) {
    if (!byName.has(name)) {
      const names = old.map((p) => p.name).join(", ") || "none";
      throw badInput(
        name,
        `root run ${root.id} ("${root.stepName}") has no parameter "${name}": its parameters are ${names}`,
      );
    }
  }
  const out: CheckedInputs = { inputs: [], view: {}, made: [] };
  for (const port of old) {
    const given = replaced[port.name];
    const oldType = port.artifact.typeName;
    if (given === undefined) {
      out.inputs.push({ name: port.name, artifactId: port.artifact.id });
      out.view[port.name] = { artifactId: port.artifact.id, typeName: oldType };
    } else if ("artifactId" in given) {
      const found = db
        .prepare<[string], { type_name: string }>("SELECT type_name FROM artifacts WHERE id = ?")
        .get(given.artifactId);
      if (!found) {
        throw badInput(
          port.name,
          `no artifact ${given.artifactId} on this server: upload it first (POST /artifact-uploads)`,
        );
      }
      if (found.type_name !== oldType) {
        throw badInput(
          port.name,
          `expected an artifact of type ${oldType}, got ${found.type_name} (artifact ${given.artifactId})`,
        );
      }
      out.inputs.push({ name: port.name, artifactId: given.artifactId });
      out.view[port.name] = { artifactId: given.artifactId, typeName: oldType };
    } else {
      const oldValue = await plainJsonOf(bytes, port, oldType);
      const problem = shapeDifference(oldValue, given.value, "");
      if (problem !== undefined) throw badInput(port.name, problem);
      const made = jsonArtifact(given.value);
      out.made.push(made);
      out.inputs.push({ name: port.name, artifactId: made.id });
      out.view[port.name] = { artifactId: made.id, typeName: JSON_TYPE };
    }
  }
  return out;
}

/** Stores the new JSON artifacts (bytes, then the artifact row that events would have made). */
export async function storeMade(
  db: Db,
  bytes: ArtifactBytes,
  made: MadeArtifact[],
  now: number,
): Promise<void> {
  if (made.length === 0) return;
  await bytes.writeBatch(made.map((m) => ({ id: m.id, typeName: JSON_TYPE, bytes: m.bytes })));
  const insert = db.prepare(
    `INSERT OR IGNORE INTO artifacts (id, type_name, media_type, size, summary_json, created_at)
     VALUES (?, ?, 'application/json', ?, ?, ?)`,
  );
  for (const m of made) insert.run(m.id, JSON_TYPE, m.bytes.length, JSON.stringify(m.summary), now);
}

/** The old argument as plain JSON, or a 400 saying to replace it by an artifact of its type. */
async function plainJsonOf(
  bytes: ArtifactBytes,
  port: InputPortView,
  oldType: string,
): Promise<unknown> {
  const byArtifact = `pass { "artifactId": ... } of another ${oldType} artifact instead`;
  if (oldType !== JSON_TYPE) {
    throw badInput(port.name, `the old value is a ${oldType} artifact, not JSON: ${byArtifact}`);
  }
  const size = bytes.sizeOf(port.artifact.id);
  if (size === undefined || size > MAX_OLD_VALUE_BYTES) {
    throw badInput(
      port.name,
      `the old value's bytes are ${size === undefined ? "not stored" : "too large to compare"}: ${byArtifact}`,
    );
  }
  const value: unknown = JSON.parse((await bytes.bytes(port.artifact.id)).toString("utf8"));
  if (hasTag(value)) {
    throw badInput(
      port.name,
      `the old value holds values JSON cannot (a Map, a Date, a typed array, ...): ${byArtifact}`,
    );
  }
  return value;
}

function hasTag(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasTag);
  if (value !== null && typeof value === "object") {
    if (Object.prototype.hasOwnProperty.call(value, TAG)) return true;
    return Object.values(value).some(hasTag);
  }
  return false;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/**
 * Where `given` differs in shape from `old`: undefined when it has the same JSON type at every
 * place (objects: the same keys; arrays: each element shaped as some old element, any when the old
 * array was empty), else the first difference, e.g. `expected number, got string`.
 */
export function shapeDifference(old: unknown, given: unknown, path: string): string | undefined {
  const at = path === "" ? "" : ` at ${path}`;
  const want = jsonTypeOf(old);
  const got = jsonTypeOf(given);
  if (want !== got) return `expected ${want}, got ${got}${at}`;
  if (typeof given === "number" && !Number.isFinite(given)) return `expected a finite number${at}`;
  if (Array.isArray(old) && Array.isArray(given)) {
    if (old.length === 0) return undefined;
    for (let i = 0; i < given.length; i++) {
      const differences = old.map((o) => shapeDifference(o, given[i], `${path}[${i}]`));
      if (differences.every((d) => d !== undefined)) return differences[0];
    }
    return undefined;
  }
  if (want === "object") {
    const o = old as Record<string, unknown>;
    const g = given as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!(key in g)) return `missing key "${key}"${at}`;
    }
    for (const key of Object.keys(g)) {
      if (!(key in o)) return `unexpected key "${key}"${at}`;
      const d = shapeDifference(o[key], g[key], `${path}.${key}`);
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

/** The kernel's canonical JSON text: keys sorted by code unit, a `$t` key wrapped. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const text = `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(",")}}`;
    return keys.includes(TAG) ? `{"${TAG}":"object","v":${text}}` : text;
  }
  if (typeof value === "number" && Object.is(value, -0)) return `{"${TAG}":"number","v":"-0"}`;
  return JSON.stringify(value);
}

function jsonArtifact(value: unknown): MadeArtifact {
  const bytes = Buffer.from(canonical(value), "utf8");
  const id = createHash("sha256").update(JSON_TYPE).update("\0").update(bytes).digest("hex");
  const kind = jsonTypeOf(value);
  const text = JSON.stringify(value);
  const truncated = text.length > 200;
  const summary: Record<string, unknown> = {
    kind,
    preview: truncated ? `${text.slice(0, 200)}…` : text,
    truncated,
  };
  if (typeof value === "string" || Array.isArray(value)) summary.length = value.length;
  if (kind === "object") {
    const keys = Object.keys(value as object).sort();
    summary.keyCount = keys.length;
    summary.keys = keys.slice(0, 20);
  }
  return { id, bytes, summary };
}
