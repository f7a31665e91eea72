/**
 * Tracked overhead: a 10,000-step fan-out recorded by a lineage server in its own process, against
 * the same pipeline run silently in this process (issue 11 target: at most 50 µs more per step), and
 * a cache-hit rerun of a 1,000-step pipeline (target: under 100 ms). The fan-out is measured against
 * a fresh server (its first round: none of its 20,000 values is stored there yet, so every artifact
 * is uploaded) and a warm one (the best later round: the server holds them all). Wall time and this
 * process's CPU time are both printed, with the load average: the machine is shared.
 */
import { func } from "tsematic";
import { cpuMsOf, loadAverage, measure } from "./process-figures";
import { startServer } from "./server";

const FAN_OUT = 10_000;
const CACHED = 1_000;

const inc = func(function inc(x: number): number {
  return x + 1;
});
const fanOut = func(async function fanOut(n: number, from: number): Promise<number> {
  const results = await Promise.all(Array.from({ length: n }, (_, i) => inc(from + i)));
  return results.length;
});
/** Where the warm-up's values start: none of them is a value of the measured fan-out. */
const WARM_UP_FROM = 1_000_000_000;

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
    await fanOut(1_000, WARM_UP_FROM).resolve({ tracking: false });
    await fanOut(1_000, WARM_UP_FROM).resolve();
    const silent: { wallMs: number; cpuMs: number }[] = [];
    const tracked: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < fanOutRounds; i++) {
      silent.push(await measure(() => fanOut(FAN_OUT, 0).resolve({ tracking: false })));
      tracked.push(await measure(() => fanOut(FAN_OUT, 0).resolve()));
    }
    const best = (xs: { wallMs: number; cpuMs: number }[], of: "wallMs" | "cpuMs") =>
      Math.min(...xs.map((x) => x[of]));
    const report = (label: string, runs: { wallMs: number; cpuMs: number }[]): void => {
      const perStep = (of: "wallMs" | "cpuMs") =>
        ((best(runs, of) - best(silent, of)) * 1000) / (FAN_OUT + 1);
      console.log(
        `tracked fan-out, ${FAN_OUT} steps, ${label}: ${best(runs, "wallMs").toFixed(0)} ms vs ` +
          `silent ${best(silent, "wallMs").toFixed(0)} ms -> ${perStep("wallMs").toFixed(1)} µs ` +
          `tracked overhead per step (target <= 50); kernel CPU ${best(runs, "cpuMs").toFixed(0)} ms ` +
          `vs ${best(silent, "cpuMs").toFixed(0)} ms -> ${perStep("cpuMs").toFixed(1)} µs per step; ` +
          loadAverage(),
      );
    };
    if (fanOutRounds > 0) {
      report("values new to the server (first round)", tracked.slice(0, 1));
      report("values the server holds (best later round)", tracked.slice(1));
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
