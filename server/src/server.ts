/**
 * Starting and stopping the lineage server.
 *
 * @example
 * ```ts
 * import { startServer } from "@tsematic/server";
 * const server = await startServer({ dataDir: "/tmp/tsematic", port: 0 });
 * console.log(server.url, server.token);
 * await server.close();
 * ```
 */
import { mkdirSync, realpathSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { WebSocketServer } from "ws";
import { createApp } from "./app";
import { loadOrCreateToken } from "./auth/token";
import { resolveOptions, type ResolvedOptions, type ServerOptions } from "./config";
import type { ServerContext } from "./context";
import { readServerInfo, removeServerInfo, writeServerInfo } from "./discovery";
import { checkDataDir } from "./ownership";
import { acquireStartLock, processRuns } from "./start-lock";
import { LiveGraphs } from "./live/hub";
import { liveUpgrade } from "./live/upgrade";
import { HeartbeatMonitor } from "./monitor/heartbeat";
import { ArtifactBytes } from "./storage/artifact-bytes";
import { ArtifactStore } from "./storage/artifact-store";
import { Checkpointer } from "./storage/checkpointer";
import { openDatabase } from "./storage/db";
import { Ingestor } from "./storage/ingest";
import { restartHeartbeatClocks } from "./storage/roots";
import { createExecutors } from "./scheduler/executors";
import { Scheduler } from "./scheduler/scheduler";
import { VERSION } from "./version";

export const DATABASE_FILE = "lineage.sqlite";

/** How long an idle keep-alive connection stays open (announced to clients, who close first). */
export const KEEP_ALIVE_MS = 65_000;

/** Data directories served by this process. */
const servedHere = new Set<string>();

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8765` (no trailing slash, no /api/v1). */
  url: string;
  port: number;
  token: string;
  dataDir: string;
  context: ServerContext;
  /** The HTTP server itself (tests observe its connections). */
  http: Server;
  /** Stops accepting work, closes connections and the database. Safe to call twice. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const opts = resolveOptions(options);
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const dataDir = realpathSync(opts.dataDir);
  checkDataDir(dataDir);
  if (servedHere.has(dataDir)) {
    throw new Error(
      `a Tsematic server in this process already serves ${dataDir}: use it, or close it first`,
    );
  }
  servedHere.add(dataDir);
  try {
    // From before the token and the migrations until server.json names this server: one starter at
    // a time per data directory; a later one finds the first in server.json and stops.
    const release = await acquireStartLock(dataDir);
    try {
      await refuseOtherProcess(dataDir);
      return await open(opts, dataDir);
    } finally {
      release();
    }
  } catch (err) {
    servedHere.delete(dataDir);
    throw err;
  }
}

async function open(opts: ResolvedOptions, dataDir: string): Promise<RunningServer> {
  const token = opts.token ?? loadOrCreateToken(dataDir);
  const now = Date.now;
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  const checkpointer = new Checkpointer(db);
  // Clients of runs that were active when the server stopped get a full timeout to come back.
  restartHeartbeatClocks(db, now());
  const live = new LiveGraphs(db, opts.log, opts.maxLiveBufferBytes);
  const ingestor = new Ingestor(db, now);
  const executors = createExecutors(opts);
  const scheduler = new Scheduler({ db, ingestor, live, options: opts, now }, executors);
  try {
    // A remote executor reads its cluster first: a bad token or URL stops the server here, with
    // the executor's own message, rather than failing every job later.
    await Promise.all(executors.map((e) => e.ready?.()));
  } catch (err) {
    await scheduler.close();
    await live.close();
    await checkpointer.stop();
    db.close();
    throw err;
  }
  const context: ServerContext = {
    db,
    ingestor,
    scheduler,
    artifacts: new ArtifactBytes(new ArtifactStore(join(dataDir, "artifacts")), db),
    live,
    options: opts,
    token,
    now,
  };
  const http = createServer(createApp(context));
  // Clients (undici's fetch in kernels and workers) close an idle connection shortly before the
  // `Keep-Alive: timeout=` this server announces. With Node's 5 s, a client on a loaded machine
  // still sent on a connection the server had just closed ("other side closed": the request was
  // lost, and a submit failed so). At 65 s, idle connections end on the clients' side first;
  // headersTimeout must exceed it (Node's rule).
  http.keepAliveTimeout = KEEP_ALIVE_MS;
  http.headersTimeout = KEEP_ALIVE_MS + 1_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  http.on(
    "upgrade",
    liveUpgrade({
      wss,
      live,
      db,
      token,
      corsOrigins: opts.corsOrigins,
      bindHost: opts.host,
      allowedHosts: opts.allowedHosts,
    }),
  );
  try {
    await listen(http, opts);
  } catch (err) {
    await scheduler.close();
    await live.close();
    await checkpointer.stop();
    db.close();
    throw err;
  }
  const port = (http.address() as AddressInfo).port;
  const url = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${port}`;
  writeServerInfo(dataDir, { url, pid: process.pid, version: VERSION });
  const monitor = new HeartbeatMonitor(db, live, opts.heartbeatTimeoutMs, now, opts.log, scheduler);
  monitor.start();
  scheduler.start(url);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      monitor.stop();
      // Before the database closes: no worker of this server is left running.
      await scheduler.close();
      await live.close();
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      await checkpointer.stop();
      db.close();
      removeServerInfo(dataDir, process.pid);
      servedHere.delete(dataDir);
    })();
    return closing;
  };
  return { url, port, token, dataDir, context, http, close };
}

function listen(http: Server, opts: ResolvedOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(
        err.code === "EADDRINUSE"
          ? new Error(
              `port ${opts.port} on ${opts.host} is already in use: stop the other server or pass --port 0 to pick a free port`,
            )
          : err,
      );
    };
    http.once("error", onError);
    http.listen(opts.port, opts.host, () => {
      http.off("error", onError);
      resolve();
    });
  });
}

/**
 * Two servers on one data directory would fight over server.json and the database: refuse the
 * second. A live pid that does not answer at once gets time (a loaded machine can be slow); only a
 * pid that is gone, or a process that never answers, leaves the directory free.
 */
async function refuseOtherProcess(dataDir: string): Promise<void> {
  const info = readServerInfo(dataDir);
  if (!info || info.pid === process.pid || !processRuns(info.pid)) return;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && processRuns(info.pid)) {
    const answering = await fetch(`${info.url}/api/v1/health`, {
      signal: AbortSignal.timeout(2_000),
    })
      .then((res) => res.ok)
      .catch(() => false);
    if (answering) {
      throw new Error(
        `a Tsematic server (pid ${info.pid}) already serves ${dataDir} at ${info.url}: use it, or stop it first`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
