/**
 * Tracked overhead: a 10,000-step fan-out recorded by a lineage server in its own process, against
 * the same pipeline run silently in this process (issue 11 target: at most 50 µs more per step), and
 * a cache-hit rerun of a 1,000-step pipeline (target: under 100 ms). Wall time and this process's
 * CPU time are both printed, with the load average: the machine is shared.
 */
import { func } from "tsematic";
import { cpuMsOf, loadAverage, measure } from "./process-figures";
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

/** `node bench/lib/tracked.bench.js cache`: only the cache-hit rerun. */
const fanOutRounds = process.argv[2] === "cache" ? 0 : 3;

async function main(): Promise<void> {
  const server = await startServer();
  process.env.TSEMATIC_URL = server.url;
  process.env.TSEMATIC_TOKEN = server.token;
  try {
    // Warm-up both paths (JIT, HTTP keep-alive, sqlite pages).
    await fanOut(1_000).resolve({ tracking: false });
    await fanOut(1_000).resolve();
    const silent: { wallMs: number; cpuMs: number }[] = [];
    const tracked: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < fanOutRounds; i++) {
      silent.push(await measure(() => fanOut(FAN_OUT).resolve({ tracking: false })));
      tracked.push(await measure(() => fanOut(FAN_OUT).resolve()));
    }
    const best = (xs: { wallMs: number; cpuMs: number }[], of: "wallMs" | "cpuMs") =>
      Math.min(...xs.map((x) => x[of]));
    const perStep = (of: "wallMs" | "cpuMs") =>
      ((best(tracked, of) - best(silent, of)) * 1000) / (FAN_OUT + 1);
    if (fanOutRounds > 0) {
      console.log(
        `tracked fan-out, ${FAN_OUT} steps: ${best(tracked, "wallMs").toFixed(0)} ms vs silent ` +
          `${best(silent, "wallMs").toFixed(0)} ms -> ${perStep("wallMs").toFixed(1)} µs tracked ` +
          `overhead per step (target <= 50); kernel CPU ${best(tracked, "cpuMs").toFixed(0)} ms vs ` +
          `${best(silent, "cpuMs").toFixed(0)} ms -> ${perStep("cpuMs").toFixed(1)} µs per step; ${loadAverage()}`,
      );
    }
    await cachedPipeline(CACHED).resolve();
    const reruns: { wallMs: number; cpuMs: number }[] = [];
    const serverCpuMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const serverCpu = cpuMsOf(server.pid);
      reruns.push(await measure(() => cachedPipeline(CACHED).resolve()));
      serverCpuMs.push(cpuMsOf(server.pid) - serverCpu);
    }
    console.log(
      `cache-hit rerun of a ${CACHED}-step pipeline: ${best(reruns, "wallMs").toFixed(0)} ms, kernel ` +
        `CPU ${best(reruns, "cpuMs").toFixed(0)} ms, server CPU ${Math.min(...serverCpuMs).toFixed(0)} ms ` +
        `(target < 100); ${loadAverage()}`,
    );
  } finally {
    await server.stop();
  }
}

void main();
