/**
 * A pipeline script for the local executor (README, "Run steps on the local executor"):
 * `square` declares resources, so each call runs as a job in a worker process of its own; `total`
 * and `pipeline` declare none and run inline, in the process that resolves them.
 *
 *   npx tsematic submit tutorials/scripts/squares.ts --wait
 */
import { func } from "tsematic";

export const square = func(
  { resources: { cpus: 1, memoryMiB: 256 } },
  function square(x: number): number {
    return x * x;
  },
);

export const total = func(function total(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
});

export const pipeline = func(async function pipeline(n: number): Promise<number> {
  const squares = Array.from({ length: n }, (_, i) => square(i + 1)); // fan-out: 4 jobs
  return total(squares);
});

// The script's program: a step job of this package loads the file too, but runs no root of it.
pipeline(4)
  .resolve({ executor: "local" })
  .then((sum) => console.log(`sum of squares: ${sum}`)) // 1 + 4 + 9 + 16 = 30
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
