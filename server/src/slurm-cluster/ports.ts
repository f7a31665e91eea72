/** Free TCP ports on 127.0.0.1, picked by the kernel. */
import { createServer, type Server } from "node:net";

/**
 * `count` distinct ports that were free a moment ago: all are held open together, then released, so they
 * differ from each other; another process may still take one before the daemon binds it (rare; the daemon
 * then fails to start with a clear error).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
      const address = server.address();
      if (address === null || typeof address === "string") {
        throw new Error("no TCP address for a listening socket");
      }
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
