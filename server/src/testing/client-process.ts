/**
 * A tracking client as a separate process, for tests with real processes:
 * `node client-process.js <url> <token> <seed> complete|hang [fanOut]`.
 * - complete: uploads the artifacts of a pipeline fixture, posts its events in batches, exits 0.
 * - hang: posts an unfinished pipeline, then sends heartbeats every 50 ms until killed.
 */
import { pipelineFixture } from "./fixture";
import { Api } from "./harness";

async function run(): Promise<void> {
  const [url, token, seed, mode, fanOut] = process.argv.slice(2);
  if (!url || !token || !seed || (mode !== "complete" && mode !== "hang")) {
    throw new Error("usage: client-process.js <url> <token> <seed> complete|hang [fanOut]");
  }
  const api = new Api(url, token);
  const fx = pipelineFixture({ seed, unfinished: mode === "hang", fanOut: Number(fanOut ?? 3) });
  await api.uploadArtifacts(fx.artifacts);
  await api.postInBatches(fx.events, 7);
  if (mode === "complete") return;
  process.stdout.write("posted\n");
  for (;;) {
    await api.post(`/runs/${fx.rootId}/heartbeat`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
