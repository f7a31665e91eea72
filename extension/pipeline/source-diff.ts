/**
 * A line diff of two source texts (a step's code as two runs recorded it), shown as unified-diff
 * lines. The longest common subsequence of lines, after the common head and tail are set aside;
 * sources too long for it (more than {@link MAX_DIFF_CELLS} line pairs left) show as all removed
 * and all added rather than take the page down.
 *
 * @example
 * ```ts
 * sourceDiff("a\nb\nc", "a\nB\nc");
 * // [{ kind: "same", text: "a" }, { kind: "removed", text: "b" },
 * //  { kind: "added", text: "B" }, { kind: "same", text: "c" }]
 * ```
 */

export interface IDiffLine {
  readonly kind: "same" | "added" | "removed";
  readonly text: string;
}

/** The largest table the LCS may fill (lines left of one × of the other). */
export const MAX_DIFF_CELLS = 4_000_000;

export function sourceDiff(before: string, after: string): IDiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head++;
  }
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const xs = a.slice(head, a.length - tail);
  const ys = b.slice(head, b.length - tail);
  const out: IDiffLine[] = a.slice(0, head).map((text) => ({ kind: "same", text }));
  out.push(...middle(xs, ys));
  out.push(...a.slice(a.length - tail).map((text): IDiffLine => ({ kind: "same", text })));
  return out;
}

function middle(xs: string[], ys: string[]): IDiffLine[] {
  const removed = xs.map((text): IDiffLine => ({ kind: "removed", text }));
  const added = ys.map((text): IDiffLine => ({ kind: "added", text }));
  if (xs.length === 0 || ys.length === 0 || xs.length * ys.length > MAX_DIFF_CELLS) {
    return [...removed, ...added];
  }
  // lengths[i][j]: the LCS of xs[i..] and ys[j..], in one flat array.
  const width = ys.length + 1;
  const lengths = new Uint32Array((xs.length + 1) * width);
  for (let i = xs.length - 1; i >= 0; i--) {
    for (let j = ys.length - 1; j >= 0; j--) {
      lengths[i * width + j] =
        xs[i] === ys[j]
          ? lengths[(i + 1) * width + j + 1]! + 1
          : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const out: IDiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < xs.length && j < ys.length) {
    if (xs[i] === ys[j]) {
      out.push({ kind: "same", text: xs[i]! });
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      out.push({ kind: "removed", text: xs[i++]! });
    } else {
      out.push({ kind: "added", text: ys[j++]! });
    }
  }
  while (i < xs.length) {
    out.push({ kind: "removed", text: xs[i++]! });
  }
  while (j < ys.length) {
    out.push({ kind: "added", text: ys[j++]! });
  }
  return out;
}

/** Whether the diff changes anything. */
export function hasChanges(lines: readonly IDiffLine[]): boolean {
  return lines.some((line) => line.kind !== "same");
}
