/** What the ambient run context holds while a step's body runs. */
import type { RunNode } from "./run-node";

export interface RunScope {
  readonly node: RunNode;
}
