/**
 * The default tracking backend: the lineage server client, loaded the first time a tracked run
 * starts. Until then no HTTP client, uploader or embedded-server code is loaded, so silent runs and
 * processes that never track (a worker before its first tracked run) stay light.
 */
import { processGlobal } from "../process-global";
import type { TrackingBackend, TrackingSession } from "../runner/backend";

/** One client per process, whichever copy of the library made it (it holds the server's session). */
const holder = (): { client?: TrackingBackend } =>
  processGlobal<{ client?: TrackingBackend }>("tsematic.serverClient.v1", () => ({}));

/** Opens sessions with one process-wide `ServerBackend`, made on first use. */
export const lazyServerBackend: TrackingBackend = {
  async open(root): Promise<TrackingSession> {
    let client = holder().client;
    if (!client) {
      const { ServerBackend } = await import("./server-backend");
      client = holder().client ??= new ServerBackend();
    }
    return client.open(root);
  },
};
