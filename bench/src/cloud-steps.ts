/**
 * The steps of the cloud-dispatch benchmark, in a module of their own with no top-level work: it is
 * the code package the local executor's workers load (`resolve({ package })`).
 */
import { func } from "tsematic";

/** A step that does nothing worth measuring, dispatched because it declares resources. */
export const trivial = func({ resources: { cpus: 1 } }, function trivial(i: number): number {
  return i + 1;
});

/** The same step without resources: it runs inline (the baseline). */
export const inlineTrivial = func(function inlineTrivial(i: number): number {
  return i + 1;
});

/** `n` dispatched steps at once. */
export const fanOut = func(async function fanOut(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => trivial(i)));
  return results.length;
});

/** `n` inline steps at once. */
export const inlineFanOut = func(async function inlineFanOut(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => inlineTrivial(i)));
  return results.length;
});
