/**
 * Local tracked runs: the default of `await future`. Finds the lineage server (or starts the embedded
 * one), sends each root run's events and artifacts, keeps the run alive with heartbeats, and turns a
 * cancel request on the server into a canceled run.
 */
import type { EventSink, RunEnvironment, RunEvent } from "../events";
import { join } from "node:path";
import type { ResumableRoot, TrackingBackend, TrackingSession } from "../runner/backend";
import type { Artifact } from "../types/artifact";
import { ArtifactUploader } from "./artifact-uploader";
import { startEmbeddedServer } from "./embedded-server";
import {
  answersWithin,
  configuredEndpoint,
  dataDir,
  processExists,
  type Endpoint,
} from "./endpoint";
import { captureEnvironment } from "./environment";
import { EventUploader } from "./event-uploader";
import { ServerClient } from "./http";
import { readLimits, type ServerLimits } from "./limits";
import { RemoteCache } from "./remote-cache";
import { claimRoot, rootKey, type RootClaim } from "./root-journal";
import { TsematicError } from "../errors";

/** Tunables, mostly for tests; the defaults suit notebooks. */
export interface ServerBackendOptions {
  heartbeatMs?: number;
  giveUpMs?: number;
  batchSize?: number;
  lingerMs?: number;
  /** Use this server (a worker's, from its environment) instead of finding one. */
  endpoint?: Endpoint;
  /** `false`: send no heartbeats (a worker keeps its job's lease itself, see worker/heartbeat.ts). */
  heartbeats?: boolean;
}

class TrackedSink implements EventSink {
  constructor(
    private readonly events: EventUploader,
    private readonly artifacts: ArtifactUploader,
    /** The first failure of either uploader, whichever came first. */
    private readonly firstFailure: () => Error | undefined,
  ) {}
  emit(event: RunEvent): void {
    this.events.push(event);
  }
  storeArtifact(artifact: Artifact): void {
    this.artifacts.push(artifact);
  }
  backlog(): Promise<void> | undefined {
    return this.events.backlog() ?? this.artifacts.backlog();
  }
  async flush(): Promise<void> {
    // Both must finish; report the first failure.
    const results = await Promise.allSettled([this.artifacts.flush(), this.events.flush()]);
    const first = this.firstFailure();
    if (first) throw first;
    for (const r of results) if (r.status === "rejected") throw r.reason;
  }
}

export class ServerBackend implements TrackingBackend {
  /** How a kernel's root starts: new, or adopting or resuming from an interrupted one. */
  private claim(
    client: ServerClient,
    proposedRootId: string,
    stepName: string,
    resumable: ResumableRoot,
    environment: RunEnvironment,
  ): Promise<RootClaim> {
    const key = rootKey({
      serverUrl: client.url,
      source: environment.notebookPath ?? process.argv[1] ?? "<repl>",
      stepName,
      ...resumable,
    });
    return claimRoot(join(dataDir(), "kernel-roots"), key, proposedRootId, client);
  }

  private endpoint: { value: Endpoint; checkedAt: number } | undefined;
  private connecting: Promise<Endpoint> | undefined;
  /** The request limits of each server, read once from its health answer. */
  private readonly limits = new Map<string, Promise<ServerLimits>>();

  private limitsOf(client: ServerClient): Promise<ServerLimits> {
    let limits = this.limits.get(client.url);
    if (!limits) {
      limits = readLimits(client);
      this.limits.set(client.url, limits);
      limits.catch(() => this.limits.delete(client.url));
    }
    return limits;
  }

  constructor(private readonly options: ServerBackendOptions = {}) {}

  /** The server to use: a configured one that answers, else the embedded one (started once). */
  private async connect(): Promise<Endpoint> {
    if (this.options.endpoint) return this.options.endpoint;
    const fresh = this.endpoint && Date.now() - this.endpoint.checkedAt < 5_000;
    if (fresh) return this.endpoint!.value;
    this.connecting ??= (async () => {
      try {
        const configured = configuredEndpoint();
        // A server.json whose process is gone is stale: go straight to the embedded server.
        const stale =
          configured?.pid !== undefined &&
          configured.source !== "TSEMATIC_URL" &&
          !processExists(configured.pid);
        if (configured && !stale && (await answersWithin(configured.url, 15_000))) {
          return configured;
        }
        if (configured?.source === "TSEMATIC_URL") {
          throw new TsematicError(
            `the lineage server is not reachable at ${configured.url} (from TSEMATIC_URL): start it with ` +
              "`tsematic server`, unset TSEMATIC_URL to use the embedded server, or run silently with " +
              "resolve({ tracking: false })",
          );
        }
        return await startEmbeddedServer(dataDir());
      } finally {
        this.connecting = undefined;
      }
    })().then((value) => {
      this.endpoint = { value, checkedAt: Date.now() };
      return value;
    });
    return this.connecting;
  }

  /** A client of the server this backend uses (found, or started, as for a tracked run). */
  async client(): Promise<ServerClient> {
    return new ServerClient(await this.connect());
  }

  async open(root: {
    rootId: string;
    stepName: string;
    environment?: Partial<RunEnvironment>;
    resumable?: ResumableRoot;
  }): Promise<TrackingSession> {
    const client = new ServerClient(await this.connect());
    const limits = await this.limitsOf(client);
    const environment = captureEnvironment(root.environment);
    const claim = root.resumable
      ? await this.claim(client, root.rootId, root.stepName, root.resumable, environment)
      : undefined;
    const rootId = claim?.rootId ?? root.rootId;
    const giveUpMs = this.options.giveUpMs ?? Number(process.env.TSEMATIC_GIVE_UP_MS ?? 60_000);
    const cancel = new AbortController();
    // A failure of background tracking stops the run: it fails with the error, the process lives on.
    let failure: Error | undefined;
    const fail = (error: Error): void => {
      failure ??= error;
      if (!cancel.signal.aborted) cancel.abort(failure);
    };
    let heartbeat: NodeJS.Timeout | undefined;
    const beat = async () => {
      try {
        const res = await client.json<{ cancelRequested?: boolean }>(
          "POST",
          `/runs/${rootId}/heartbeat`,
        );
        if (res.cancelRequested && !cancel.signal.aborted) {
          cancel.abort("canceled from the lineage server (someone asked it to cancel this run)");
        }
      } catch {
        // A missed heartbeat is not an error: the event uploader notices a lost server.
      }
    };
    const events = new EventUploader(
      client,
      {
        batchSize: this.options.batchSize ?? 2_000,
        lingerMs: this.options.lingerMs ?? 25,
        giveUpMs,
        limits,
      },
      () => {
        // The server knows the root once its first batch is in: from then on, keep it alive.
        if (heartbeat || this.options.heartbeats === false) return;
        heartbeat = setInterval(() => void beat(), this.options.heartbeatMs ?? 2_000);
        heartbeat.unref();
      },
      fail,
    );
    const artifacts = new ArtifactUploader(client, {
      largeBytes: 1024 * 1024,
      batchBytes: 4 * 1024 * 1024,
      lingerMs: this.options.lingerMs ?? 25,
      giveUpMs,
      limits,
      onFailure: fail,
    });
    return {
      sink: new TrackedSink(events, artifacts, () => failure),
      cache: new RemoteCache(client),
      environment,
      serverUrl: client.url,
      cancelSignal: cancel.signal,
      close: async () => {
        if (heartbeat) clearInterval(heartbeat);
        claim?.release();
      },
      ...(claim
        ? {
            root: {
              rootId: claim.rootId,
              attempt: claim.attempt,
              how: claim.how,
              ...(claim.priorRootId ? { priorRootId: claim.priorRootId } : {}),
            },
          }
        : {}),
      priorRun: async (runId) => {
        const { priorRunOf } = await import("../cloud/dispatcher");
        return priorRunOf(client, runId);
      },
      openDispatcher: async (setup) => {
        const { openDispatcher } = await import("../cloud/open");
        return openDispatcher(client, setup);
      },
    };
  }
}
