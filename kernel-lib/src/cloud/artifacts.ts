/** Reading and storing artifacts by id over HTTP (dispatched outputs, replayed runs, submissions). */
import { markStored } from "../tracking/artifact-uploader";
import type { ServerClient } from "../tracking/http";
import type { Artifact, ArtifactInfo } from "../types/artifact";

/** The artifact `id` with its bytes, as the server stores it. */
export async function fetchArtifact(
  client: ServerClient,
  id: string,
  known?: ArtifactInfo,
): Promise<Artifact> {
  // The record and the bytes at once: one round trip of latency instead of two (a warm worker's
  // inputs and a resolver's dispatched outputs are fetched per step).
  const [info, bytes] = await Promise.all([
    known ??
      client.request("GET", `/artifacts/${id}`).then((res) => res.json() as Promise<ArtifactInfo>),
    client
      .request("GET", `/artifacts/${id}/value`, { timeoutMs: 600_000 })
      .then(async (res) => new Uint8Array(await res.arrayBuffer())),
  ]);
  markStored(client.url, id);
  return {
    id: info.id,
    typeName: info.typeName,
    mediaType: info.mediaType,
    size: info.size,
    summary: info.summary,
    bytes,
  };
}

/** Stores an artifact's bytes (idempotent: the same id is the same bytes). */
export async function storeArtifact(client: ServerClient, artifact: Artifact): Promise<void> {
  // A composite's parts are artifacts of their own, which its summary names by id.
  for (const part of artifact.parts ?? []) await storeArtifact(client, part);
  await client.request(
    "PUT",
    `/artifacts/${artifact.id}/value?typeName=${encodeURIComponent(artifact.typeName)}`,
    { body: artifact.bytes, contentType: "application/octet-stream", timeoutMs: 600_000 },
  );
  markStored(client.url, artifact.id);
}
