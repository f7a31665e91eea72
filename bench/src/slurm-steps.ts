/**
 * The steps of the Slurm benchmark, in a module with no top-level work: the code package the
 * workers on the Slurm nodes load (`resolve({ package })`).
 */
import { func } from "tsematic";

/** A trivial step that asks for one CPU: a uniform fan-out of it goes to Slurm as one job array. */
export const trivial = func(
  { resources: { cpus: 1, memoryMiB: 200 } },
  function trivial(i: number): number {
    return i + 1;
  },
);

/**
 * The same step, 50 times with a slightly different memory request each: no two are alike, so the
 * executor submits them as 50 separate batch jobs (the comparison for the array).
 */
const sized = Array.from({ length: 50 }, (_, i) =>
  func({ resources: { cpus: 1, memoryMiB: 200 + i } }, function trivialSized(x: number): number {
    return x + 1;
  }),
);

/** `n` trivial steps at once (one array). */
export const fanOut = func(async function fanOut(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => trivial(i)));
  return results.length;
});

/** `n` (at most 50) steps with different memory requests at once (n batch jobs). */
export const separateJobs = func(async function separateJobs(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => sized[i]!(i)));
  return results.length;
});
