/**
 * The view of `composite` artifacts (arrays and objects holding tables, plots, images, bytes):
 * the value's skeleton, then each part under its path, shown by the view registered for the
 * part's own type (the table grid, the plot, the image...), so a step returning
 * `{ model, metrics, table }` shows its table as a table.
 *
 * @example
 * ```ts
 * registry.add("composite", (artifact, context) => new CompositeView(artifact, context, registry));
 * ```
 */
import { Panel, Widget } from "@lumino/widgets";

import type { IArtifact } from "../step/api";
import type { IArtifactViewRegistry } from "../tokens";
import { compositeModel, partLabel, type ICompositePart } from "./composite-model";
import { errorText, type IArtifactViewContext } from "./context";

export class CompositeView extends Panel {
  constructor(
    artifact: IArtifact,
    private readonly _context: IArtifactViewContext,
    private readonly _views: IArtifactViewRegistry,
  ) {
    super();
    this.addClass("jp-TsematicComposite");
    const model = compositeModel(artifact.summary);
    const skeleton = new Widget();
    skeleton.addClass("jp-TsematicComposite-skeleton");
    const pre = document.createElement("pre");
    pre.textContent = model.preview;
    skeleton.node.appendChild(pre);
    this.addWidget(skeleton);
    for (const part of model.parts) {
      this.addWidget(this._partSection(part));
    }
    if (model.hidden.length > 0) {
      const rest = new Widget();
      rest.addClass("jp-TsematicComposite-hidden");
      rest.node.textContent =
        `${model.hidden.length} more parts: ` + model.hidden.map((p) => partLabel(p)).join(", ");
      this.addWidget(rest);
    }
    void this._loadParts(model.parts);
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._abort.abort();
    super.dispose();
  }

  /** A heading and a slot the part's own view fills once its artifact is fetched. */
  private _partSection(part: ICompositePart): Panel {
    const section = new Panel();
    section.addClass("jp-TsematicComposite-part");
    section.node.dataset.path = part.path;
    section.node.dataset.typeName = part.typeName;
    const heading = new Widget();
    heading.addClass("jp-TsematicComposite-partHeading");
    heading.node.textContent = partLabel(part);
    section.addWidget(heading);
    this._sections.set(part.id + part.path, section);
    return section;
  }

  private async _loadParts(parts: readonly ICompositePart[]): Promise<void> {
    await Promise.all(
      parts.map(async (part) => {
        const section = this._sections.get(part.id + part.path)!;
        try {
          const artifact = await this._context.api.artifact(part.id, this._abort.signal);
          if (!this.isDisposed) {
            section.addWidget(this._views.createView(artifact, this._context));
          }
        } catch (reason) {
          if (!this.isDisposed) {
            const error = new Widget();
            error.addClass("jp-TsematicArtifact-error");
            error.node.textContent = `The part ${part.path} could not be shown: ${errorText(reason)}`;
            section.addWidget(error);
          }
        }
      }),
    );
    if (!this.isDisposed) {
      this.node.dataset.rendered = "true";
    }
  }

  private readonly _abort = new AbortController();
  private readonly _sections = new Map<string, Panel>();
}
