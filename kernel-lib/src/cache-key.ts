/** Cache keys: a pure function of what determines a step's output. */
import { hashText } from "./hash";

/** What a cache key is made of. */
export interface CacheKeyParts {
  stepName: string;
  /** Hash of the step's source, or its explicit `version`: editing the step changes the key. */
  codeVersion: string;
  /** Input artifact ids by parameter name. */
  inputs: Readonly<Record<string, string>>;
  /** Keeps caches of different projects or users apart. */
  namespace: string;
}

/**
 * The cache key of a step call: the same step code with the same inputs in the same namespace has the
 * same key, and any change to one of them gives a new key.
 *
 * @example
 * ```ts
 * cacheKey({ stepName: "train", codeVersion: "v2", inputs: { data: "ab12..." }, namespace: "default" });
 * ```
 */
export function cacheKey(parts: CacheKeyParts): string {
  const inputs = Object.keys(parts.inputs)
    .sort()
    .map((name) => [name, parts.inputs[name]]);
  // JSON of an array keeps field boundaries unambiguous (no "a"+"bc" == "ab"+"c" collisions).
  return hashText(
    JSON.stringify([
      "tsematic.cache.v1",
      parts.namespace,
      parts.stepName,
      parts.codeVersion,
      inputs,
    ]),
  );
}
