/**
 * `--node-url URL` of `tsematic submit` and `tsematic rerun`: the URL the run's jobs call the
 * server back at, one of the executor's node URLs (`tsematic server --public-url`, listed by
 * `GET /executors`). The server checks it and names the allowed URLs when it refuses one, so the
 * CLI passes it on as given.
 *
 * @example
 * ```ts
 * const body = { kind: "program", packageId, executor: "slurm", ...nodeUrlOption(values) };
 * ```
 */
import type { Parsed } from "./main";

export function nodeUrlOption(values: Parsed["values"]): { nodeUrl?: string } {
  const nodeUrl = values["node-url"];
  return typeof nodeUrl === "string" ? { nodeUrl } : {};
}
