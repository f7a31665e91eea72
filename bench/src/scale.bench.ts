/**
 * A tracked 100,000-step fan-out with distinct values against a fresh lineage server in its own
 * process (issue 11): the run's time, and the peak memory of the kernel (this process) and of the
 * server. `node bench/lib/scale.bench.js [steps]` (default 100,000).
 */
import { func } from "tsematic";
import { loadAverage, measure, memoryOf } from "./process-figures";
import { startServer } from "./server";

const STEPS = Number(process.argv[2] ?? 100_000);

const leaf = func(function leaf(i: number): number {
  return i + 1;
});
const scalePipe = func(async function scalePipe(n: number): Promise<number> {
  return (await Promise.all(Array.from({ length: n }, (_, i) => leaf(i)))).length;
});

async function main(): Promise<void> {
  const server = await startServer();
  process.env.TSEMATIC_URL = server.url;
  process.env.TSEMATIC_TOKEN = server.token;
  try {
    const before = { kernel: memoryOf("self"), server: memoryOf(server.pid) };
    let count = 0;
    const { wallMs: ms, cpuMs } = await measure(async () => {
      count = await scalePipe(STEPS).resolve();
    });
    const kernel = memoryOf("self");
    const srv = memoryOf(server.pid);
    console.log(
      `tracked fan-out of ${count.toLocaleString("en-US")} steps, fresh server: ${(ms / 1000).toFixed(1)} s ` +
        `(${((ms * 1000) / (STEPS + 1)).toFixed(0)} µs per step; kernel CPU ` +
        `${((cpuMs * 1000) / (STEPS + 1)).toFixed(0)} µs per step); ${loadAverage()}`,
    );
    console.log(
      `kernel peak RSS ${kernel.peak.toFixed(0)} MiB (${before.kernel.rss.toFixed(0)} MiB before, ` +
        `${(((kernel.peak - before.kernel.rss) * 1024) / STEPS).toFixed(1)} KiB per step); ` +
        `server peak RSS ${srv.peak.toFixed(0)} MiB (${before.server.rss.toFixed(0)} MiB before)`,
    );
  } finally {
    await server.stop();
  }
}

void main();
