/**
 * What the parts of the scheduler share: its dependencies, its executors, and the few facts it
 * keeps in memory rather than in the job table. One object is handed to every part, so that each
 * part is a file of functions with one purpose and the `Scheduler` class stays the one object the
 * routes and the server hold.
 */
import type { ResolvedOptions } from "../config";
import type { Executor } from "../executors/types";
import type { LiveGraphs } from "../live/hub";
import type { ErrorInfo } from "../model/events";
import type { Db } from "../storage/db";
import type { Ingestor } from "../storage/ingest";
import type { PackageStore } from "../storage/packages";
import type { IdleWorkers } from "./handoff";
import type { RunEnds } from "./run-ends";
import type { RunWaiters } from "./waiters";

export interface SchedulerDeps {
  db: Db;
  ingestor: Ingestor;
  live: LiveGraphs;
  options: ResolvedOptions;
  now: () => number;
}

export interface SchedulerState {
  readonly deps: SchedulerDeps;
  /** The server's executors, by name. */
  readonly executors: Map<string, Executor>;
  readonly packages: PackageStore;
  readonly runEnds: RunEnds;
  readonly waiters: RunWaiters;
  /** Warm workers waiting for their next job (`handoff.ts`). */
  readonly idle: IdleWorkers;
  /** Errors workers reported with `finished`, until their process exits. */
  readonly reported: Map<string, ErrorInfo>;
  /** Jobs whose lease expired and that are being checked (not judged twice). */
  readonly checking: Set<string>;
  /** Set by `close`: the tick stops, waiters answer at once, and no lost job is requeued. */
  closed: boolean;
  /** Where workers reach this server (known from `start`). */
  serverUrl: string;
}
