/** What every artifact view gets from the panel that shows it. */
import type { IRenderMimeRegistry } from "@jupyterlab/rendermime";

import type { StepApi } from "../step/api";

export interface IArtifactViewContext {
  readonly api: StepApi;
  /** JupyterLab's renderers (markdown); null when the host has none. */
  readonly rendermime: IRenderMimeRegistry | null;
}

/** A failure as one line a user can act on (LineageServerError messages already are). */
export function errorText(reason: unknown): string {
  if (reason instanceof Error) {
    return reason.message || reason.name;
  }
  return String(reason);
}

/** The artifact's bytes, fetched whole (small artifacts: plots, JSON, markdown, images). */
export async function fetchBytes(
  context: IArtifactViewContext,
  artifactId: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const response = await context.api.artifactValue(artifactId, signal);
  return new Uint8Array(await response.arrayBuffer());
}
