/** What the routes share: storage, the artifact store, live documents and options. */
import type { ResolvedOptions } from "./config";
import type { LiveGraphs } from "./live/hub";
import type { ArtifactStore } from "./storage/artifactStore";
import type { Db } from "./storage/db";
import type { Ingestor } from "./storage/ingest";

export interface ServerContext {
  db: Db;
  ingestor: Ingestor;
  artifacts: ArtifactStore;
  live: LiveGraphs;
  options: ResolvedOptions;
  token: string;
  now: () => number;
}
