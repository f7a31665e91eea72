/**
 * Scale domains without the data sets that only filter another one. Vega-Lite gives a layered
 * chart's shared scale a domain from every layer's data; a layer whose data is a filtered subset of
 * another's (the metric chart's points, only the marked ones at first paint) adds nothing to that
 * domain, and while the subset is empty Vega warns "Infinite extent for field …" for each such
 * scale. Dropping those fields leaves the domain the same and the console quiet.
 *
 * @example
 * ```ts
 * const vega = vegaLite.compile(acrossRunsSpec("loss", points).spec).spec;
 * const quiet = withoutSubsetDomains(vega); // x, y and color domains read data_0 only
 * ```
 */

type Spec = Record<string, unknown>;

/** A field of a data set in a multi-field scale domain. */
interface IDomainField {
  data: string;
  field: string;
}

/** The compiled spec with each scale's domain read only from data sets that are not filtered subsets of another in it. */
export function withoutSubsetDomains(compiled: Spec): Spec {
  const sources = filterSources(compiled.data);
  const scales = compiled.scales;
  if (!Array.isArray(scales) || sources.size === 0) {
    return compiled;
  }
  return { ...compiled, scales: scales.map((scale: unknown) => narrowed(scale, sources)) };
}

/** Each data set made only by filtering another (by name) → that other data set. */
function filterSources(data: unknown): Map<string, string> {
  const sources = new Map<string, string>();
  for (const set of Array.isArray(data) ? (data as Spec[]) : []) {
    const transforms = Array.isArray(set.transform) ? (set.transform as Spec[]) : [];
    if (
      typeof set.name === "string" &&
      typeof set.source === "string" &&
      transforms.every((transform) => transform.type === "filter")
    ) {
      sources.set(set.name, set.source);
    }
  }
  return sources;
}

/** Whether `data` is `ancestor` filtered, once or several times over. */
function filters(data: string, ancestor: string, sources: Map<string, string>): boolean {
  const seen = new Set<string>();
  for (let source = sources.get(data); source !== undefined; source = sources.get(source)) {
    if (source === ancestor) {
      return true;
    }
    if (seen.has(source)) {
      return false;
    }
    seen.add(source);
  }
  return false;
}

function narrowed(scale: unknown, sources: Map<string, string>): unknown {
  const domain = (scale as { domain?: unknown } | null)?.domain as
    ({ fields?: unknown } & Spec) | undefined;
  if (!domain || !Array.isArray(domain.fields)) {
    return scale;
  }
  const fields = domain.fields as unknown[];
  const kept = fields.filter((entry) => {
    const field = entry as Partial<IDomainField>;
    if (typeof field.data !== "string" || typeof field.field !== "string") {
      return true;
    }
    return !fields.some((other) => {
      const o = other as Partial<IDomainField>;
      return (
        o.field === field.field &&
        typeof o.data === "string" &&
        filters(field.data!, o.data, sources)
      );
    });
  });
  if (kept.length === fields.length) {
    return scale;
  }
  const { fields: _fields, ...rest } = domain;
  const only = kept.length === 1 ? (kept[0] as Partial<IDomainField>) : null;
  const narrowedDomain =
    only && typeof only.data === "string" && typeof only.field === "string"
      ? { ...rest, data: only.data, field: only.field }
      : { ...rest, fields: kept };
  return { ...(scale as Spec), domain: narrowedDomain };
}
