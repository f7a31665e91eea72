/**
 * Tracked overhead: a 10,000-step fan-out recorded by a lineage server in its own process, against
 * the same pipeline run silently in this process (target: at most 200 µs more per step), and a
 * cache-hit rerun of a 1,000-step pipeline (target: under 300 ms).
 */
import { func } from "tsematic";
import { startServer } from "./server";

const FAN_OUT = 10_000;
const CACHED = 1_000;

const inc = func(function inc(x: number): number {
  return x + 1;
});
const fanOut = func(async function fanOut(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => inc(i)));
  return results.length;
});

const cachedStep = func({ cache: true }, function cachedStep(x: number): number {
  return x * 2;
});
const cachedPipeline = func(async function cachedPipeline(n: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => cachedStep(i)));
  return results.length;
});

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const server = await startServer();
  process.env.TSEMATIC_URL = server.url;
  process.env.TSEMATIC_TOKEN = server.token;
  try {
    // Warm-up both paths (JIT, HTTP keep-alive, sqlite pages).
    await fanOut(1_000).resolve({ tracking: false });
    await fanOut(1_000).resolve();
    const silent: number[] = [];
    const tracked: number[] = [];
    for (let i = 0; i < 3; i++) {
      silent.push(await time(() => fanOut(FAN_OUT).resolve({ tracking: false })));
      tracked.push(await time(() => fanOut(FAN_OUT).resolve()));
    }
    const s = Math.min(...silent);
    const t = Math.min(...tracked);
    const perStep = ((t - s) * 1000) / (FAN_OUT + 1);
    console.log(
      `tracked fan-out, ${FAN_OUT} steps: ${t.toFixed(0)} ms vs silent ${s.toFixed(0)} ms ` +
        `-> ${perStep.toFixed(1)} µs tracked overhead per step (target <= 200)`,
    );
    await cachedPipeline(CACHED).resolve();
    const reruns: number[] = [];
    for (let i = 0; i < 3; i++) reruns.push(await time(() => cachedPipeline(CACHED).resolve()));
    console.log(
      `cache-hit rerun of a ${CACHED}-step pipeline: ${Math.min(...reruns).toFixed(0)} ms (target < 300)`,
    );
  } finally {
    await server.stop();
  }
}

void main();
