/**
 * The MIME type of the run view kernel-lib displays in a notebook cell's output, versioned: a
 * change that breaks readers gets a new one. Typed by openapi.yaml's `RunViewMimeType`, as
 * kernel-lib's is, so the two cannot drift apart.
 *
 * @example
 * ```ts
 * const bundle = model.data[RUN_VIEW_MIME_TYPE];
 * ```
 */
import type { RunViewMimeType } from "../wire";

export const RUN_VIEW_MIME_TYPE: RunViewMimeType = "application/vnd.tsematic.run.v1+json";
