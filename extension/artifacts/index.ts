/**
 * The built-in artifact views, registered through the same registry ({@link IArtifactViewRegistry})
 * a package uses to add its own: one widget per artifact, disposed with the panel that shows it.
 *
 * @example
 * ```ts
 * const registry = new ArtifactViewRegistry();
 * registerBuiltinViews(registry);
 * panel.addWidget(registry.createView(port.artifact, { api, rendermime }));
 * ```
 */
import { DisposableSet, type IDisposable } from "@lumino/disposable";

import type { IArtifactViewRegistry } from "../tokens";
import { CompositeView } from "./composite";
import { JsonTreeView } from "./json-tree";
import { PlotView } from "./plot";
import { BinaryView, ErrorView, ImageView, MarkdownView, SummaryView } from "./simple";
import { TableView } from "./table";

export type { IArtifactViewContext } from "./context";
export { ArtifactViewRegistry } from "./registry";
export { TableView } from "./table";

/** Registers the views of kernel-lib's built-in types, and the summary for every other type. */
export function registerBuiltinViews(registry: IArtifactViewRegistry): IDisposable {
  const registrations = new DisposableSet();
  const add = (typeName: string, factory: IArtifactViewRegistry.Factory): void =>
    registrations.add(registry.add(typeName, factory));
  // Types this version has no view for show their summary (what `summarize()` returned).
  add("*", (artifact) => new SummaryView(artifact));
  add("arrow.table", (artifact, context) => new TableView(artifact, context));
  add("plot.vega-lite", (artifact, context) => new PlotView(artifact, context));
  add("json", (artifact, context) => new JsonTreeView(artifact, context));
  add("markdown", (artifact, context) => new MarkdownView(artifact, context));
  add("image.*", (artifact, context) => new ImageView(artifact, context));
  add("binary", (artifact, context) => new BinaryView(artifact, context));
  add("error", (artifact) => new ErrorView(artifact));
  // Each part of a composite is shown by the view this registry has for the part's type.
  add("composite", (artifact, context) => new CompositeView(artifact, context, registry));
  return registrations;
}
