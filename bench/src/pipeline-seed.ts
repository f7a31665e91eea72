/**
 * A fresh lineage server holding one pipeline's history: by default 1,000 root runs of pipeline
 * `train`, each with 10 metrics (every tenth run failed), posted through the real HTTP API. For the
 * pipeline view's first-paint benchmark and for trying the view by hand.
 *
 * @example
 * ```ts
 * import { seedPipelineServer } from "./pipeline-seed";
 * const seeded = await seedPipelineServer({ runs: 1000, metricsPerRun: 10 });
 * // point JupyterLab's Tsematic settings at seeded.url / seeded.token, open pipeline "train"
 * await seeded.stop();
 * ```
 * From a shell: `node bench/lib/pipeline-seed.js [runs] [metricsPerRun]` seeds, prints the server's
 * URL and token and the time of the pipeline view's two requests, and keeps the server up until
 * Ctrl-C.
 */
import { pipelineRunEvents } from "@tsematic/server/lib/testing/pipeline-runs";
import { type BenchServer, startServer } from "./server";

export interface SeededServer extends BenchServer {
  stepName: string;
  /** Oldest first. */
  rootIds: string[];
  /** How long posting the events took. */
  seedMs: number;
}

/** Events per request: well under the server's default limits (20,000 events, 32 MiB). */
const BATCH = 5000;

export async function seedPipelineServer(
  options: { runs?: number; metricsPerRun?: number; stepName?: string } = {},
): Promise<SeededServer> {
  const stepName = options.stepName ?? "train";
  const server = await startServer();
  try {
    const { events, rootIds } = pipelineRunEvents({
      stepName,
      runs: options.runs ?? 1000,
      metricsPerRun: options.metricsPerRun ?? 10,
      // Recent runs, so the view's time axis reads naturally.
      startAt: Date.now() - (options.runs ?? 1000) * 60_000,
    });
    const started = performance.now();
    for (let i = 0; i < events.length; i += BATCH) {
      const res = await fetch(`${server.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
        body: JSON.stringify({ events: events.slice(i, i + BATCH) }),
      });
      if (!res.ok) throw new Error(`seeding batch at ${i}: ${res.status} ${await res.text()}`);
    }
    return { ...server, stepName, rootIds, seedMs: performance.now() - started };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function timed(url: string, token: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text}`);
  return { ms: performance.now() - started, bytes: Buffer.byteLength(text) };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 1000);
  const metricsPerRun = Number(process.argv[3] ?? 10);
  const seeded = await seedPipelineServer({ runs, metricsPerRun });
  const base = `${seeded.url}/api/v1/pipelines/${seeded.stepName}`;
  console.log(`seeded ${runs} runs x ${metricsPerRun} metrics in ${seeded.seedMs.toFixed(0)} ms`);
  for (const path of ["summary?limit=1000", "metrics?limit=1000", "series?limit=1000"]) {
    const first = await timed(`${base}/${path}`, seeded.token);
    const again = await timed(`${base}/${path}`, seeded.token);
    console.log(
      `GET /pipelines/${seeded.stepName}/${path}: ${first.ms.toFixed(0)} ms, then ` +
        `${again.ms.toFixed(0)} ms (${(first.bytes / 1024).toFixed(0)} KiB)`,
    );
  }
  console.log(`server ${seeded.url} token ${seeded.token} (Ctrl-C stops it)`);
  const stop = (): void => void seeded.stop().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
