/**
 * A live client in its own thread (a worker of ingest.bench.ts): it watches one root's Yjs document
 * until the root is resolved, as a browser would in its own process, so that decoding the updates
 * does not hold up the thread that posts the events.
 */
import { parentPort, workerData } from "node:worker_threads";
import { LiveClient } from "@tsematic/server/lib/testing/live-client";

const { url, rootId } = workerData as { url: string; rootId: string };
const client = new LiveClient(url);

async function watch(): Promise<void> {
  await client.synced;
  parentPort!.postMessage("synced");
  await client.until(() => client.runs().get(rootId)?.state === "resolved", 60_000);
  await client.close();
  parentPort!.postMessage("resolved");
}

watch().catch((err: unknown) => {
  throw err;
});
