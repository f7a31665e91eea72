/**
 * Fewer points for a chart's first paint: a series longer than the bound keeps, in each of
 * `max / 2` runs of consecutive points, the lowest and the highest value (plus its first and last
 * point), so that its line keeps its shape and its outliers. The view draws this (as lines), then
 * the whole series with its points once the page has painted.
 *
 * @example
 * ```ts
 * const drawn = downsample(points, 100); // ≤ 100 points per series, in the same order
 * ```
 */
import type { IRunPoint } from "./series";

/** Points per series drawn at first paint: a 420-pixel-wide chart shows no more. */
export const PAINT_POINTS_PER_SERIES = 120;

/** At most about `max` points of each series of `points` (sorted by x), in their order. */
export function downsample<P extends IRunPoint>(points: readonly P[], max: number): P[] {
  const bySeries = new Map<string, P[]>();
  for (const point of points) {
    let list = bySeries.get(point.series);
    if (!list) {
      bySeries.set(point.series, (list = []));
    }
    list.push(point);
  }
  const kept = new Set<P>();
  for (const list of bySeries.values()) {
    if (list.length <= max) {
      list.forEach((point) => kept.add(point));
      continue;
    }
    kept.add(list[0]!);
    kept.add(list[list.length - 1]!);
    const buckets = Math.max(1, Math.floor(max / 2) - 1);
    for (let b = 0; b < buckets; b++) {
      const from = Math.floor((b * list.length) / buckets);
      const to = Math.floor(((b + 1) * list.length) / buckets);
      let low = list[from]!;
      let high = low;
      for (let i = from + 1; i < to; i++) {
        const point = list[i]!;
        if (point.value < low.value) {
          low = point;
        }
        if (point.value > high.value) {
          high = point;
        }
      }
      kept.add(low);
      kept.add(high);
    }
  }
  return points.filter((point) => kept.has(point));
}
