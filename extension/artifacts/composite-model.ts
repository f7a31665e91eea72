/**
 * What the composite view shows, read from a `composite` artifact's summary (kernel-lib's
 * types/composite.ts): the skeleton's preview and each part (where it sits, its id and type),
 * each part shown by the view registered for its own type.
 *
 * @example
 * ```ts
 * const model = compositeModel(artifact.summary);
 * model.parts[0]; // { path: "$.chart", id: "61…", typeName: "plot.vega-lite", size: 14 }
 * ```
 */

/** One part of a composite value. */
export interface ICompositePart {
  /** Where the part sits in the value, e.g. `$.table` or `$.runs[2].chart`. */
  readonly path: string;
  readonly id: string;
  readonly typeName: string;
  readonly size: number;
}

export interface ICompositeModel {
  /** The value with each part shown as `<its type>`. */
  readonly preview: string;
  /** The parts shown with their own views (at most {@link SHOWN_PARTS}). */
  readonly parts: readonly ICompositePart[];
  /** Parts beyond those shown, listed by path only. */
  readonly hidden: readonly ICompositePart[];
}

/** Parts rendered with their views; more would make one output a long page of grids. */
export const SHOWN_PARTS = 12;

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The view's model from a summary; a part the summary describes badly is left out rather than
 * failing the whole view (a summary only decorates the UI).
 */
export function compositeModel(summary: Record<string, unknown>): ICompositeModel {
  const raw = Array.isArray(summary.parts) ? (summary.parts as unknown[]) : [];
  const parts: ICompositePart[] = [];
  for (const item of raw) {
    if (item === null || typeof item !== "object") {
      continue;
    }
    const p = item as Record<string, unknown>;
    if (typeof p.id !== "string" || !SHA256.test(p.id) || typeof p.typeName !== "string") {
      continue;
    }
    parts.push({
      path: typeof p.path === "string" ? p.path : "$",
      id: p.id,
      typeName: p.typeName,
      size: typeof p.size === "number" ? p.size : 0,
    });
  }
  return {
    preview: typeof summary.preview === "string" ? summary.preview : "",
    parts: parts.slice(0, SHOWN_PARTS),
    hidden: parts.slice(SHOWN_PARTS),
  };
}

/**
 * A part's heading: the path without the leading `$` (`table`, `runs[2].chart`), and its type.
 *
 * @example
 * ```ts
 * partLabel({ path: "$.table", typeName: "arrow.table" }); // "table · arrow.table"
 * ```
 */
export function partLabel(part: Pick<ICompositePart, "path" | "typeName">): string {
  const where = part.path === "$" ? "value" : part.path.replace(/^\$\.?/, "");
  return `${where} · ${part.typeName}`;
}
