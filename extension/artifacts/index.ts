/**
 * Artifact views by type name (kernel-lib/src/types): one widget per artifact, disposed with the
 * panel that shows it.
 *
 * @example
 * ```ts
 * const view = createArtifactView(port.artifact, { api, rendermime });
 * panel.addWidget(view);
 * ```
 */
import type { Widget } from "@lumino/widgets";

import type { IArtifact } from "../step/api";
import type { IArtifactViewContext } from "./context";
import { JsonTreeView } from "./json-tree";
import { PlotView } from "./plot";
import { BinaryView, ErrorView, ImageView, MarkdownView, SummaryView } from "./simple";
import { TableView } from "./table";

export type { IArtifactViewContext } from "./context";
export { TableView } from "./table";

export function createArtifactView(artifact: IArtifact, context: IArtifactViewContext): Widget {
  const type = artifact.typeName;
  if (type === "arrow.table") {
    return new TableView(artifact, context);
  }
  if (type === "plot.vega-lite") {
    return new PlotView(artifact, context);
  }
  if (type === "json") {
    return new JsonTreeView(artifact, context);
  }
  if (type === "markdown") {
    return new MarkdownView(artifact, context);
  }
  if (type.startsWith("image.")) {
    return new ImageView(artifact, context);
  }
  if (type === "binary") {
    return new BinaryView(artifact, context);
  }
  if (type === "error") {
    return new ErrorView(artifact);
  }
  return new SummaryView(artifact);
}
