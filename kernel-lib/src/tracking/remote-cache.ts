/** The server as a cache store: `cache: true` steps reuse outputs of earlier runs with the same key. */
import type { CacheStore, CachedResult } from "../runner/cache-store";
import type { ArtifactInfo } from "../types/artifact";
import type { TypeRegistry } from "../types/registry";
import type { ServerClient } from "./http";

interface CacheHitBody {
  run: { id: string };
  outputs: Array<{ name: string; artifact: ArtifactInfo }>;
}

export class RemoteCache implements CacheStore {
  constructor(
    private readonly client: ServerClient,
    private readonly registry: TypeRegistry,
  ) {}

  async lookup(key: string): Promise<CachedResult | undefined> {
    const res = await this.client.request("GET", `/cache/${key}`, { allow: [404] });
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    const hit = (await res.json()) as CacheHitBody;
    const output = hit.outputs.find((o) => o.name === "output") ?? hit.outputs[0];
    if (!output) return undefined;
    const { id, typeName, mediaType, size, summary } = output.artifact;
    const value = await this.client.request("GET", `/artifacts/${id}/value`);
    const bytes = new Uint8Array(await value.arrayBuffer());
    return {
      runId: hit.run.id,
      artifact: { id, typeName, mediaType, size, summary },
      value: this.registry.fromBytes(typeName, bytes),
    };
  }

  store(): void {
    // The server learns cache keys from the run events themselves: nothing to send.
  }
}
