/**
 * The default tracking backend: the lineage server client, loaded the first time a tracked run
 * starts. Until then no HTTP client, uploader or embedded-server code is loaded, so silent runs and
 * processes that never track (a worker before its first tracked run) stay light.
 */
import { processGlobal } from "../process-global";
import type { TrackingBackend, TrackingSession } from "../runner/backend";

/** One client per process, whichever copy of the library made it (it holds the server's session). */
type Backend = TrackingBackend & { client?: () => Promise<import("./http").ServerClient> };

const holder = (): { client?: Backend } =>
  processGlobal<{ client?: Backend }>("tsematic.serverClient.v1", () => ({}));

/** The process-wide `ServerBackend`, made on first use. */
async function backend(): Promise<Backend> {
  let client = holder().client;
  if (!client) {
    const { ServerBackend } = await import("./server-backend");
    client = holder().client ??= new ServerBackend();
  }
  return client;
}

/** A client of the lineage server tracked runs use (for `submit()`). */
export async function defaultServerClient(): Promise<import("./http").ServerClient> {
  const b = await backend();
  if (!b.client) throw new Error("the lineage server client of this process cannot submit runs");
  return b.client();
}

/** Opens sessions with one process-wide `ServerBackend`, made on first use. */
export const lazyServerBackend: TrackingBackend = {
  async open(root): Promise<TrackingSession> {
    return (await backend()).open(root);
  },
};
