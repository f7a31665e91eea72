/**
 * Per-step overhead of silent runs against plain function calls: a 10,000-step fan-out awaited with
 * `Promise.all`, the same fan-out returned as an array of futures (`return xs.map(f)`, issue 11
 * target: at most 5 µs per step) and a 1,000-deep chain. Target: at most 10 µs per step. Both are measured in this one process, best of
 * several rounds after warm-up, so the ratio is meaningful on a noisy machine.
 */
import { func, type Step } from "tsematic";
import { loadAverage } from "./process-figures";

const FAN_OUT = 10_000;
const DEPTH = 1_000;
// Each round is 1-200 ms: on 2 shared cores at a load of 12-15, 7 rounds often had none that ran
// undisturbed (the same build's best ranged 2.4-14 µs per step); 20 cost a few seconds more.
const ROUNDS = 20;

const inc = func(function inc(x: number): number {
  return x + 1;
});

const fanOut = func(async function fanOut(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => inc(i)));
  return results.length;
});

// The parent returns its children's futures unresolved: the runner resolves the returned array.
const mapped = func(function mapped(xs: number[]): unknown {
  return xs.map((x) => inc(x));
});

// A chain: each step returns the next step's future, so the graph is DEPTH runs deep. (The inner
// function has another name: inside `function chain`, `chain` would be the plain function itself.)
const chain: Step<[number], unknown> = func(
  { name: "chain" },
  function link(depth: number): unknown {
    return depth === 0 ? 0 : chain(depth - 1);
  },
);

function plainInc(x: number): number {
  return x + 1;
}

async function plainFanOut(n: number): Promise<number> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => Promise.resolve(plainInc(i))),
  );
  return results.length;
}

function plainMapped(xs: number[]): number[] {
  return xs.map((x) => plainInc(x));
}

function plainChain(depth: number): number {
  return depth === 0 ? 0 : plainChain(depth - 1);
}

async function best(label: string, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm-up
  let bestMs = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const start = process.hrtime.bigint();
    await fn();
    bestMs = Math.min(bestMs, Number(process.hrtime.bigint() - start) / 1e6);
  }
  void label;
  return bestMs;
}

async function main(): Promise<void> {
  const fanMs = await best("fan-out", () => fanOut(FAN_OUT).resolve({ tracking: false }));
  const plainFanMs = await best("plain fan-out", () => plainFanOut(FAN_OUT));
  const xs = Array.from({ length: FAN_OUT }, (_, i) => i);
  const mappedMs = await best("returned futures", () => mapped(xs).resolve({ tracking: false }));
  const plainMappedMs = await best("plain map", () => plainMapped(xs));
  const chainMs = await best("chain", () => chain(DEPTH).resolve({ tracking: false }));
  const plainChainMs = await best("plain chain", () => plainChain(DEPTH));
  const fanSteps = FAN_OUT + 1;
  const chainSteps = DEPTH + 1;
  const perStep = (ms: number, plain: number, steps: number) => ((ms - plain) * 1000) / steps;
  console.log(
    `silent fan-out, ${FAN_OUT} steps: ${fanMs.toFixed(1)} ms (plain calls ${plainFanMs.toFixed(2)} ms) ` +
      `-> ${perStep(fanMs, plainFanMs, fanSteps).toFixed(2)} µs overhead per step (target <= 10)`,
  );
  console.log(
    `silent returned futures (return xs.map(f)), ${FAN_OUT} steps: ${mappedMs.toFixed(1)} ms ` +
      `(plain calls ${plainMappedMs.toFixed(2)} ms) -> ` +
      `${perStep(mappedMs, plainMappedMs, fanSteps).toFixed(2)} µs overhead per step (target <= 5)`,
  );
  console.log(
    `silent chain, ${DEPTH} deep: ${chainMs.toFixed(1)} ms (plain calls ${plainChainMs.toFixed(3)} ms) ` +
      `-> ${perStep(chainMs, plainChainMs, chainSteps).toFixed(2)} µs overhead per step (target <= 10)`,
  );
  console.log(loadAverage());
}

void main();
