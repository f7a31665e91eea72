/**
 * Event ingest over HTTP: run events posted in batches to a lineage server in its own process, with
 * the request bodies serialized beforehand (this measures the server: parse, validate, one sqlite
 * transaction per batch, fsync). Target: at least 50,000 events/s. Also: small artifacts stored per
 * second through the batch upload route, and ingest while a live Yjs client watches each root (in
 * its own thread, live-watcher.ts, as a browser is in its own process: its decoding does not hold up
 * the posting of the next batch).
 */
import { wideFixture } from "@tsematic/server/lib/testing/fixture";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { cpuMsOf, loadAverage } from "./process-figures";
import { startServer, type BenchServer } from "./server";

const STEPS_PER_PIPELINE = 5_000; // about 9 events per step

interface Figures {
  events: number;
  seconds: number;
  latencies: number[];
  /** CPU time of the server process and of this one (the senders and the live clients' threads). */
  serverCpuMs: number;
  /** CPU time of the server's main thread alone: the requests' thread (not its worker threads). */
  serverMainCpuMs: number;
  benchCpuMs: number;
}

/** CPU time (user + system) of a process's main thread so far, in milliseconds, from /proc. */
function mainThreadCpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
  // As cpuMsOf: utime and stime are the 14th and 15th fields; 100 clock ticks per second.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function post(server: BenchServer, path: string, body: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body,
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/** Each sender posts its own pipeline's events in order, batch after batch. */
async function ingest(
  server: BenchServer,
  label: string,
  senders: number,
  batch: number,
  watch = false,
): Promise<Figures> {
  const pipelines = Array.from({ length: senders }, (_, i) =>
    wideFixture(STEPS_PER_PIPELINE, `${label}-${i}`),
  );
  const bodies = pipelines.map((p) => {
    const out: string[] = [];
    for (let i = 0; i < p.events.length; i += batch) {
      out.push(JSON.stringify({ events: p.events.slice(i, i + batch) }));
    }
    return out;
  });
  const watchers: Worker[] = [];
  const resolved: Promise<unknown>[] = [];
  if (watch) {
    // The root must exist before a live client can subscribe to it.
    for (let i = 0; i < senders; i++) {
      await post(server, "/events", JSON.stringify({ events: pipelines[i]!.events.slice(0, 1) }));
      const watcher = new Worker(join(__dirname, "live-watcher.js"), {
        workerData: {
          url: `${server.url.replace(/^http/, "ws")}/api/v1/live/${pipelines[i]!.rootId}?token=${server.token}`,
          rootId: pipelines[i]!.rootId,
        },
      });
      const steps = watcherSteps(watcher);
      await steps.synced;
      resolved.push(steps.resolved);
      watchers.push(watcher);
    }
  }
  const latencies: number[] = [];
  const serverCpu = cpuMsOf(server.pid);
  const serverMainCpu = mainThreadCpuMsOf(server.pid);
  const benchCpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    bodies.map(async (list) => {
      for (const body of list) {
        const t0 = process.hrtime.bigint();
        await post(server, "/events", body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let serverCpuMs = cpuMsOf(server.pid) - serverCpu;
  let serverMainCpuMs = mainThreadCpuMsOf(server.pid) - serverMainCpu;
  if (watch) {
    await Promise.all(resolved);
    // The server's CPU includes the last live updates, sent after the last batch was acknowledged.
    serverCpuMs = cpuMsOf(server.pid) - serverCpu;
    serverMainCpuMs = mainThreadCpuMsOf(server.pid) - serverMainCpu;
    await Promise.all(watchers.map((w) => once(w, "exit")));
  }
  const bench = process.cpuUsage(benchCpu);
  return {
    events: pipelines.reduce((n, p) => n + p.events.length, 0),
    seconds,
    latencies,
    serverCpuMs,
    serverMainCpuMs,
    benchCpuMs: (bench.user + bench.system) / 1000,
  };
}

/** When a watcher has synced, and when it has seen its root resolved; its error rejects both. */
function watcherSteps(watcher: Worker): { synced: Promise<void>; resolved: Promise<void> } {
  let onSynced!: () => void;
  let onResolved!: () => void;
  const synced = new Promise<void>((resolve) => (onSynced = resolve));
  const resolved = new Promise<void>((resolve) => (onResolved = resolve));
  const failed = new Promise<never>((_, reject) => watcher.once("error", reject));
  watcher.on("message", (message) => (message === "synced" ? onSynced() : onResolved()));
  return { synced: Promise.race([synced, failed]), resolved: Promise.race([resolved, failed]) };
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const ROUNDS = 3;

/** `node bench/lib/ingest.bench.js [words]`: only the configurations whose name contains one of the words. */
const only = process.argv.slice(2);

/** Runs a configuration ROUNDS times on fresh pipelines: this machine is shared, so the median and best both matter. */
async function measure(name: string, run: (round: number) => Promise<Figures>): Promise<void> {
  if (only.length > 0 && !only.some((word) => name.includes(word))) return;
  const rounds: Figures[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await run(i));
  const rates = rounds.map((f) => f.events / f.seconds).sort((a, b) => a - b);
  const latencies = rounds.flatMap((f) => f.latencies);
  const cpuPerEvent = (of: "serverCpuMs" | "serverMainCpuMs" | "benchCpuMs"): string =>
    (rounds.map((f) => (f[of] * 1000) / f.events).sort((a, b) => a - b)[1] ?? 0).toFixed(1);
  const fmt = (n: number): string => Math.round(n).toLocaleString("en-US").padStart(8);
  console.log(
    `${name.padEnd(44)} ${String(rounds[0]!.events).padStart(7)} events x ${ROUNDS}: median ${fmt(rates[1]!)} events/s, ` +
      `best ${fmt(rates[ROUNDS - 1]!)}  (batch p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms); CPU per event: server ` +
      `${cpuPerEvent("serverCpuMs")} µs (main thread ${cpuPerEvent("serverMainCpuMs")} µs), bench ${cpuPerEvent("benchCpuMs")} µs (median); ${loadAverage()}`,
  );
}

async function uploadSmallArtifacts(server: BenchServer): Promise<void> {
  const fixture = wideFixture(20_000, "artifacts");
  const artifacts = fixture.artifacts.map((a) => ({
    id: a.id,
    typeName: a.typeName,
    bytes: Buffer.from(a.bytes).toString("base64"),
  }));
  const bodies: string[] = [];
  for (let i = 0; i < artifacts.length; i += 2_000) {
    bodies.push(JSON.stringify({ artifacts: artifacts.slice(i, i + 2_000) }));
  }
  const start = process.hrtime.bigint();
  for (const body of bodies) await post(server, "/artifact-uploads", body);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `${"small artifacts, POST /artifact-uploads".padEnd(42)} ${String(artifacts.length).padStart(7)} artifacts in ${seconds.toFixed(2)} s: ` +
      `${Math.round(artifacts.length / seconds).toLocaleString("en-US")} artifacts/s; ${loadAverage()}`,
  );
}

async function main(): Promise<void> {
  const server = await startServer();
  try {
    await ingest(server, "warm-up", 2, 1_000);
    await measure("1 client, batches of 1,000", (r) => ingest(server, `a${r}`, 1, 1_000));
    await measure("1 client, batches of 2,000 (kernel default)", (r) =>
      ingest(server, `b${r}`, 1, 2_000),
    );
    await measure("4 clients at once, batches of 1,000", (r) => ingest(server, `c${r}`, 4, 1_000));
    await measure("1 client, batches of 100", (r) => ingest(server, `d${r}`, 1, 100));
    await measure("1 client, batches of 1,000, a live client", (r) =>
      ingest(server, `e${r}`, 1, 1_000, true),
    );
    if (only.length === 0 || only.some((word) => "artifacts".includes(word))) {
      await uploadSmallArtifacts(server);
    }
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
