// TEMPORARY minimal JSON type so the runner can be built; replaced by the canonical JSON type.
import type { ArtifactType, JsonValue } from "./artifact";

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export const jsonType: ArtifactType<JsonValue> = {
  name: "json",
  mediaType: "application/json",
  matches: (v): v is JsonValue => typeof v !== "function" && typeof v !== "symbol",
  serialize: (v) => Buffer.from(JSON.stringify(sortKeys(v)) ?? "null"),
  deserialize: (b) => JSON.parse(Buffer.from(b).toString("utf8")) as JsonValue,
  summarize: (v) => ({ preview: JSON.stringify(v)?.slice(0, 200) ?? "undefined" }),
};
