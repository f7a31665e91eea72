/**
 * Run ids: 32 lowercase hex characters, like Sematic's. A random 80-bit prefix per process and a
 * counter: unique across processes and machines without paying for 16 random bytes per run.
 */
import { randomBytes } from "node:crypto";

const prefix = randomBytes(10).toString("hex");
let counter = 0;

export function newRunId(): string {
  counter++;
  return prefix + counter.toString(16).padStart(12, "0");
}
