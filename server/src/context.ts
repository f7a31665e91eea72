/** What the routes share: storage, the artifact store, live documents and options. */
import type { ResolvedOptions } from "./config";
import type { LiveGraphs } from "./live/hub";
import type { Scheduler } from "./scheduler/scheduler";
import type { ArtifactBytes } from "./storage/artifact-bytes";
import type { Db } from "./storage/db";
import type { Ingestor } from "./storage/ingest";

export interface ServerContext {
  db: Db;
  ingestor: Ingestor;
  /** Jobs and executors: dispatched runs and submitted roots. */
  scheduler: Scheduler;
  artifacts: ArtifactBytes;
  live: LiveGraphs;
  options: ResolvedOptions;
  token: string;
  now: () => number;
}
