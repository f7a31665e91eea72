/**
 * The lineage server's wire types, generated from server/openapi.yaml (the contract) by
 * scripts/generate-protocol.mjs with openapi-typescript. Do not edit: change openapi.yaml, then run
 * `node scripts/generate-protocol.mjs`; `npm run lint` fails while this file is stale.
 *
 * @example
 * ```ts
 * import type { RunEvent } from "./wire";
 * const seen = (e: RunEvent): string => e.type;
 * ```
 */
type Json =
  | null
  | boolean
  | number
  | string
  | Json[]
  | {
      [key: string]: Json;
    };
export interface paths {
  "/health": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Liveness; needs no token and says nothing but ok, the version and the request limits. */
    get: operations["health"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ingest a batch of run events (idempotent on event ids; all or nothing).
     * @description The batch is applied in one transaction, durable before the 2xx answer. Events already
     *     ingested (same id) are counted as duplicates and change nothing. Events must refer to runs and
     *     artifacts announced earlier (in this batch or an earlier one): `run-created` before the run's
     *     other events, `artifact` before the `edge` that names it. A run in a terminal state keeps it.
     *     The one exception is a `flow` event's producers (`flows[].from`): they are stored by run id and
     *     may be runs of another root run or runs ingested later.
     */
    post: operations["ingestEvents"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List and search runs, newest first. */
    get: operations["listRuns"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * One run with its source, inputs, outputs and children (and its root's details if it is a root).
     * @description Each input lists its recorded producers and each output the runs recorded as using it (at
     *     most 100 each; `more: true` when cut). An input without producers has none recorded: a
     *     constant, a value the parent's body computed, or a run stored before flows were recorded
     *     ("producer unknown"); it is never guessed from equal artifact ids. `childIds` holds the first
     *     1,000 children; when `moreChildren` is true, page through `GET /runs/{runId}/children`.
     */
    get: operations["getRun"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/children": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A run's children (the steps its body created), oldest first, paged. */
    get: operations["listChildren"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/lineage": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The runs upstream (what it was made from) or downstream (what used it) of a run, paged.
     * @description Follows recorded flows only, across root runs, transitively, breadth first:
     *     - `future`, `reference` and `parent` ("via the parent") flows: the producer is upstream of the
     *       consumer;
     *     - `awaited` flows: the child a parent awaited is upstream of the parent (its body used the
     *       child's value);
     *     - a cache hit's original run (`originalRunId`) is upstream of the hit (kind `cached`).
     *     Parents, children and equal artifact ids are not lineage by themselves. Runs are ordered by
     *     `depth` (1: direct producers or consumers), then run id; `via` names the run one step closer
     *     that a run was reached from. A run named by a recorded flow but not stored here has
     *     `run: null`. The walk follows at most 256 levels and 10,000 runs; `truncated` (on the last
     *     page) says it stopped at that bound.
     */
    get: operations["getRunLineage"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/graph": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A root run's whole graph (runs, edges, artifact summaries, recorded flows).
     * @description `flows` are the recorded data flows into the root's runs (their producers may be runs of other
     *     roots). Runs stored before flows were recorded have none: draw no arrow, never a guess.
     */
    get: operations["getGraph"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/logs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A run's captured console output, oldest first, paged. */
    get: operations["getLogs"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/notes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Notes on a run, oldest first, paged. */
    get: operations["listNotes"];
    put?: never;
    /** Add a note to a run. */
    post: operations["addNote"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/cancel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Ask a root run's client to cancel it.
     * @description Marks the root cancel-requested; its client learns it from its next heartbeat answer and emits
     *     `canceled` states. When the client is already gone (silent for the heartbeat timeout), the
     *     server marks the open runs canceled itself. A root with jobs (dispatched runs, a submitted
     *     driver) has every job canceled: queued ones at once, running ones by their executor (TERM to
     *     the process group, KILL after the grace period, `--kill-grace-ms`); the answer comes once
     *     their processes are gone, and the root's open runs end `canceled`. A submitted root whose
     *     driver has not created its root run yet is canceled the same way (`canceledRuns` 0).
     */
    post: operations["cancelRoot"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/heartbeat": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A root run's client, or a dispatched run's worker, says it is alive; the answer says whether to cancel.
     * @description Without `attempt`: `runId` is a root run, and its client (the process resolving it) is alive.
     *     With `attempt`: `runId` is any run, executed by a worker as that attempt, and the heartbeat
     *     renews the run's lease (taken on the first heartbeat). A lease not renewed for the heartbeat
     *     timeout ends the run and its open descendants as lost (`failed` with a `RunLostError`, or
     *     `canceled` when the root was asked to cancel); the rest of the root goes on. The answer's
     *     `lease` says `superseded` when a newer attempt holds the lease and `ended` when the run has
     *     ended: in both cases the worker stops. A lease heartbeat on the root run itself (a driver)
     *     also renews the root.
     */
    post: operations["heartbeat"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/artifacts/{artifactId}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** An artifact's type, size and summary, and whether its bytes are stored. */
    get: operations["getArtifact"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/artifacts/{artifactId}/value": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The artifact's bytes, streamed with its media type (Arrow tables as application/vnd.apache.arrow.stream). */
    get: operations["getArtifactValue"];
    /** Upload an artifact's bytes; the server checks the id is sha256(typeName + "\0" + bytes). */
    put: operations["putArtifactValue"];
    post?: never;
    delete?: never;
    options?: never;
    /** Whether the artifact's bytes are stored (upload only on 404). */
    head: operations["hasArtifactBytes"];
    patch?: never;
    trace?: never;
  };
  "/artifact-uploads": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Upload many small artifacts at once (base64 bytes); every content address is checked.
     * @description For the thousands of tiny artifacts of a fan-out: one request and one transaction instead of one
     *     PUT (and one fsync) each. If any artifact's bytes do not hash to its id, nothing is stored.
     *     Large artifacts go through `PUT /artifacts/{id}/value`, which streams.
     */
    post: operations["uploadArtifacts"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/artifacts/{artifactId}/lineage": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The runs that made or used this value, paged.
     * @description Artifacts are content-addressed, so equal values share one artifact: every run that ever
     *     output this value (`producedBy`) or took it as an input (`consumedBy`), whichever run it came
     *     from. This is not data flow: which run's output reached which run is `GET /runs/{runId}/lineage`.
     *     A common value collects thousands of runs, so the answer is paged: producers first, then
     *     consumers, each in the order they were recorded; follow `nextCursor` until it is null.
     */
    get: operations["getLineage"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/cache/{cacheKey}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The latest resolved run with this cache key (that was not itself a cache hit) and its outputs.
     * @description Answers 404 when no such run exists or its output bytes are not all stored.
     */
    get: operations["lookupCache"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/cache/lookups": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Many cache lookups at once; small output values come back inline (base64).
     * @description `hits` has an entry for each key with a cache hit (misses are absent), shaped like the answer
     *     of `GET /cache/{cacheKey}`; outputs whose bytes are at most `inlineBytes` long carry them in
     *     `bytes` (base64), up to 16 MiB per answer. Fetch the others with `GET /artifacts/{id}/value`.
     */
    post: operations["lookupCacheKeys"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/packages": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Store a code package (the archive `tsematic package` writes); idempotent.
     * @description The body is the archive's bytes: one canonical JSON document `{ format, manifest, files }`
     *     (object keys sorted, no whitespace). Its id is sha256("tsematic.package.v1" + "\0" + bytes);
     *     the same code and lockfile always give the same bytes, hence the same id. The server checks
     *     the archive (canonical form, manifest files matching the archive's, safe relative paths)
     *     before storing it, and refuses one over its size limit (256 MiB by default) with a 413.
     */
    post: operations["uploadPackage"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/packages/{packageId}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A code package's archive, byte for byte as uploaded. */
    get: operations["getPackage"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/packages/{packageId}/manifest": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** What a code package holds (entry, steps, files, dependencies), without its files. */
    get: operations["getPackageManifest"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/dependencies/{key}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The prebuilt node_modules archive of a dependency key (admin and worker tokens). */
    get: operations["getDependencies"];
    /**
     * Store a prebuilt node_modules archive under a dependency key (admin only).
     * @description For workers on nodes that cannot reach a registry: the body is a tar.gz whose top level is
     *     `node_modules/` (e.g. `tar -czf deps.tgz node_modules` in the project). A worker asks for
     *     its key before it runs `npm ci`, and extracts the archive instead when there is one. The
     *     bytes are stored by content address (sha256("tsematic.dependencies.v1" + "\0" + bytes)); a
     *     later upload under the same key replaces which archive the key names. Bounded by the
     *     server's artifact limit (`--max-artifact-bytes`): over it, 413.
     */
    put: operations["putDependencies"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/jobs": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Dispatch an existing, open run as a job on an executor (idempotent per run).
     * @description The resolver of a step that declares `resources` (or `remote: true`) sends the run and its
     *     inputs first (`POST /events`), then this. A non-terminal or succeeded job of the run already
     *     exists → 200 with it (a restarted resolver re-attaches); else 201 with a new job whose
     *     attempt is the previous one's + 1. 404: unknown run, package or input artifact. 409: the run
     *     has ended. 422 `resources_unsatisfiable`: the executor can never satisfy the request (the
     *     message names the step, what it asked and the largest the executor can give). 400: unknown
     *     executor (the message names the known ones). 503 `worker_unavailable`: the server cannot
     *     find the worker script. Worker tokens may dispatch runs of their own root only.
     */
    post: operations["dispatchRun"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/job": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The latest job of a run (following requeues), long-polled until it settles.
     * @description Answers as soon as the run's latest job is terminal and not requeued (`succeeded`, `failed`,
     *     `canceled`, or `lost` for good), or when `waitMs` has passed (then the job as it is). A lost
     *     job whose run was requeued is followed to the next attempt's job. 404 when the run has no job.
     */
    get: operations["getRunJob"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/jobs/{jobId}/spec": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A worker's instructions for its job (worker token of that job, or the admin token). */
    get: operations["getJobSpec"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/jobs/{jobId}/started": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * The worker of a job has started (its pid, host and attempt); the job is running.
     * @description 409 when the job has ended or a newer attempt superseded it: the worker must exit.
     */
    post: operations["jobStarted"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/jobs/{jobId}/finished": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * The worker's record of how its job ended (its events already recorded the run's states).
     * @description `succeeded` with the output artifact, or `failed` with the step's error (a step error is
     *     not a crash: the worker reports it and exits 0). 409 when the job has already ended.
     */
    post: operations["jobFinished"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/jobs/{jobId}/next": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A warm worker that finished its step job asks for the next one (worker token of that job).
     * @description Warm workers: instead of exiting after `finished`, a step job's worker long-polls here with
     *     the finished job's token. It is handed a queued step job of the same root, the same code
     *     package, the same executor and the same resources its process was admitted with (the head
     *     of the executor's queue only: a warm worker never jumps the queue), already marked running
     *     on its process, with a fresh worker token for that job; the finished job's token is
     *     revoked. 204 when nothing came within `waitMs`, when the head of the executor's queue is a
     *     job it may not serve, or when its root was canceled: the worker exits (its token is
     *     revoked, its executor frees its resources). The executor still knows the process by the job
     *     it was launched for; its exit, loss or out-of-memory kill is classified against the job it
     *     runs now. The body may carry the job's `finished` report (recorded first, as
     *     `POST /jobs/{id}/finished` would: one round trip per job instead of two). 409 when the job
     *     has not been reported finished, or had ended otherwise (canceled, lost).
     */
    post: operations["nextJob"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/submissions": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Submit a detached root run (a step by name, or a package's program) as a driver job (admin token only).
     * @description The server allocates the root id and creates the driver job (its run id is the root id);
     *     the driver creates the root run when it starts. Before anything runs, every step of the
     *     package's manifest that declares `resources` is validated against the executor: 422
     *     `resources_unsatisfiable` naming the first impossible step. 404: unknown package or input
     *     artifact; 400: unknown executor, or a `nodeUrl` that is malformed (`bad_node_url`) or not
     *     one of the executor's `nodeUrls` (`node_url_not_allowed`); 503 `worker_unavailable`.
     */
    post: operations["submitRoot"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/rerun": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rerun a tracked root run from its stored code package (admin token only).
     * @description From scratch (no body fields: the same package and inputs, nothing from the cache), from a
     *     step (`from`: runs not downstream of it by recorded lineage edges are reused, that step, its
     *     dependents and their ancestors execute again), with new inputs (`inputs`), or a mix. The
     *     new root is a `root` driver job of the original's step and names the original
     *     (`Root.rerunOf`). Errors: 404 `unknown_run`; 400 `not_a_root`; 409 `no_package` (made in a
     *     notebook kernel without a code package: rerun its cell instead); 400 `bad_input` naming the
     *     `parameter`; 400 `bad_from`; 400 unknown executor; 400 `bad_node_url` or
     *     `node_url_not_allowed` (`nodeUrl`); 422 impossible resources.
     */
    post: operations["rerunRoot"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/executors": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** The server's executors, what they can give and what is in use. */
    get: operations["listExecutors"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/executors/{name}/validate": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Whether an executor can ever satisfy each step's resources (422 naming the first that it cannot). */
    post: operations["validateResources"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/metrics": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The metrics logged by a run and by every run below it, in the order they were logged.
     * @description Points come from `metric` events (kernel-lib's `logMetric(name, value, { step, labels })`),
     *     ordered by `at`, then by arrival.
     */
    get: operations["runMetrics"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/runs/{runId}/notes-pane": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The live notes pane of a root run (the text of its Yjs document `notes/<rootId>`).
     * @description Empty text (with `updatedAt` and `author` null) when nobody wrote in it yet. Edited live over
     *     WebSocket at `/live/notes/{runId}`.
     */
    get: operations["notesPane"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/pipelines/{stepName}/metrics": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The metrics of a pipeline's root runs (root runs with this step name), paged by root run, newest first.
     * @description A page holds `limit` root runs and every point logged under each of them (by the root and its
     *     descendants), each point with its root's state and start.
     */
    get: operations["pipelineMetrics"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/pipelines/{stepName}/series": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * A pipeline's metrics aggregated for plotting across runs, paged by root run, newest first.
     * @description What the pipeline view draws, without every stored point: a page holds `limit` root runs
     *     (state, start, duration) and, per metric and label set, each run's last value (the last point
     *     it or its descendants logged: a curve's final value). Series are sorted by name, then label
     *     set; a page answers at most 200 of them and counts the others in `omittedSeries` (read those
     *     with `name`). An unknown pipeline answers no runs, no series and count 0.
     */
    get: operations["pipelineSeries"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/pipelines/{stepName}/summary": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A pipeline's newest root runs with state and duration, its success rate and run count. */
    get: operations["pipelineSummary"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/live/notes/{runId}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * WebSocket (y-websocket protocol) with the notes pane of a root run, which clients edit.
     * @description Connect a y-websocket client to room `notes/<rootId>` of `ws://host:port/api/v1/live`
     *     (`?token=<token>&author=<name>`; author: up to 128 characters, recorded with each change).
     *     The document's one Y.Text is named `notes`. Unlike the graph documents, clients write here:
     *     the server applies their updates, relays them (and awareness) to the other clients, and
     *     persists the text in sqlite (at most 1 s after a change, and when the last client leaves), so
     *     it survives a restart. A change that would make the text longer than 100,000 characters is
     *     dropped and the connection closed with code 4413 (reason says why): do not reconnect with
     *     the same change. A plain HTTP GET answers 426.
     */
    get: operations["liveNotes"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/live/{runId}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * WebSocket (y-websocket protocol) with the live Yjs document of a root run's graph.
     * @description Connect with `ws://host:port/api/v1/live/{rootId}?token=<token>`. The server is the only writer:
     *     updates sent by clients are ignored. The document has Y.Maps `runs` (run id → { id, parentId,
     *     stepName, state, attempt, createdAt, startedAt, endedAt, cacheKey, originalRunId, error }),
     *     `edges` ("runId|direction|name" → { runId, direction, name, artifactId }), `artifacts` (id →
     *     { id, typeName, mediaType, size, summary }), `flows` ("to|from|kind|path", path '' when absent
     *     → { from, to, kind, parameter?, path? }: the recorded data flows into the root's runs) and
     *     `root` (status, cancelRequested, flowsRecorded). A plain HTTP GET answers 426.
     */
    get: operations["liveGraph"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    Error: {
      error: {
        code: string;
        message: string;
        /** @description The request's parameter the error is about (a rerun's `bad_input` names the input). */
        parameter?: string;
      };
    };
    Health: {
      /** @constant */
      ok: true;
      version: string;
      limits: components["schemas"]["RequestLimits"];
    };
    /**
     * @description What one request may carry. Clients split event batches and artifact uploads to fit (by count
     *     AND by bytes) instead of copying these numbers: a server may be configured with other limits.
     */
    RequestLimits: {
      /** @description Largest JSON body of `POST /events` or `POST /artifact-uploads` (base64 included). */
      batchBytes: number;
      /** @description Most events in one `POST /events`. */
      eventsPerBatch: number;
      /** @description Most artifacts in one `POST /artifact-uploads`. */
      artifactsPerBatch: number;
      /** @description Largest artifact sent alone with `PUT /artifacts/{id}/value`. */
      artifactBytes: number;
    };
    RunId: string;
    Sha256: string;
    /** @description `<rootId>:<writer>:<seq>`: the writer is the writing process's run id and attempt (`<runId>.<attempt>`; a kernel or driver resolving a root writes as the root run's attempt, a worker as its own run's), seq counts from 1 per writer. Ingest is idempotent per (writer, seq): an event already applied is counted as a duplicate. The older `<rootId>:<seq>` (clients from before writers) is accepted as the root's one writer. A writer that is not `<runId>.<attempt>` (attempt from 1) is refused with 422 naming the event. */
    EventId: string;
    /** @description Milliseconds since the epoch. */
    Timestamp: number;
    Name: string;
    TypeName: string;
    MediaType: string;
    /** @enum {string} */
    RunState:
      | "created"
      | "scheduled"
      | "running"
      | "resolved"
      | "failed"
      | "nested-failed"
      | "canceled"
      | "retrying";
    /** @enum {string} */
    RunMode: "silent" | "local" | "cloud";
    ResourceRequest: {
      cpus?: number;
      memoryMiB?: number;
      gpus?: number;
    };
    RunEnvironment: {
      nodeVersion: string;
      platform: string;
      lockfileHash?: string;
      gitCommit?: string;
      notebookPath?: string;
      hostname?: string;
      packageId?: components["schemas"]["Sha256"];
    };
    ErrorInfo: {
      name: string;
      message: string;
      stack?: string;
      stepName: string;
      path: string[];
      runId: components["schemas"]["RunId"];
      /** @description Set when the run failed because its job did (out of memory, killed, lost for good, ...). */
      failure?: components["schemas"]["JobFailure"];
    };
    RunInfo: {
      id: components["schemas"]["RunId"];
      rootId: components["schemas"]["RunId"];
      parentId: components["schemas"]["RunId"] | null;
      stepName: components["schemas"]["Name"];
      sourceHash: string;
      sourceText: string;
      /**
       * @description The TypeScript the step was written as, when known (the notebook cell's text of the
       *     function, where `sourceText` is tslab's compiled JavaScript). Not part of the cache key.
       */
      sourceTypeScript?: string;
      /** @description The execution count of the notebook cell that holds `sourceTypeScript`. */
      sourceCell?: number;
      version?: string;
      tags: string[];
      resources: components["schemas"]["ResourceRequest"];
      cache: boolean;
      parameters: components["schemas"]["Name"][];
      createdAt: components["schemas"]["Timestamp"];
      mode?: components["schemas"]["RunMode"];
      environment?: components["schemas"]["RunEnvironment"];
    };
    /**
     * @description Not an HTTP body: the MIME type of the run view kernel-lib displays in a notebook cell's
     *     output and the JupyterLab extension renders (versioned: a change that breaks readers gets a
     *     new one). Both take it from here.
     * @constant
     */
    RunViewMimeType: "application/vnd.tsematic.run.v1+json";
    /** @description Any JSON value (artifact summaries are JSON objects of these). */
    JsonValue: Json;
    ArtifactInfo: {
      id: components["schemas"]["Sha256"];
      typeName: components["schemas"]["TypeName"];
      mediaType: components["schemas"]["MediaType"];
      size: number;
      /** @description Free-form, shown in graphs: at most 1 MiB of JSON, nested at most 64 levels from the request body (a 413 or 400 names the field otherwise). */
      summary: {
        [key: string]: components["schemas"]["JsonValue"];
      };
    };
    RunCreatedEvent: {
      /** @constant */
      type: "run-created";
      id: components["schemas"]["EventId"];
      rootId: components["schemas"]["RunId"];
      at: components["schemas"]["Timestamp"];
      run: components["schemas"]["RunInfo"];
    };
    RunStateEvent: {
      /** @constant */
      type: "run-state";
      id: components["schemas"]["EventId"];
      rootId: components["schemas"]["RunId"];
      at: components["schemas"]["Timestamp"];
      runId: components["schemas"]["RunId"];
      state: components["schemas"]["RunState"];
      attempt: number;
      cacheKey?: components["schemas"]["Sha256"];
      originalRunId?: components["schemas"]["RunId"];
      error?: components["schemas"]["ErrorInfo"];
    };
    ArtifactEvent: {
      /** @constant */
      type: "artifact";
      id: components["schemas"]["EventId"];
      rootId: components["schemas"]["RunId"];
      at: components["schemas"]["Timestamp"];
      artifact: components["schemas"]["ArtifactInfo"];
    };
    EdgeEvent: {
      /** @constant */
      type: "edge";
      id: components["schemas"]["EventId"];
      rootId: components["schemas"]["RunId"];
      at: components["schemas"]["Timestamp"];
      runId: components["schemas"]["RunId"];
      /** @enum {string} */
      direction: "input" | "output";
      name: components["schemas"]["Name"];
      artifactId: components["schemas"]["Sha256"];
    };
    LogEvent: {
      /** @constant */
      type: "log";
      id: components["schemas"]["EventId"];
      rootId: components["schemas"]["RunId"];
      at: components["schemas"]["Timestamp"];
      runId: components["schemas"]["RunId"];
      /** @enum {string} */
      stream: "stdout" | "stderr";
      text: string;
    };
    /**
     * @description How a value reached a run, as recorded where the data flowed: `future` (an argument, or a part
     *     of one at `path`, was run `from`'s future), `reference` (it was the very object run `from`
     *     returned), `parent` (via the parent: the consumer's parent awaited exactly one child, `from`,
     *     whose output it passed on unchanged; drawn dashed), `awaited` (the consumer is a parent whose
     *     body awaited its child `from`; no parameter or path).
     * @enum {string}
     */
    FlowKind: "future" | "reference" | "parent" | "awaited";
    Flow: {
      /** @description The producing run; may belong to another root run or be ingested later. */
      from: components["schemas"]["RunId"];
      kind: components["schemas"]["FlowKind"];
      parameter?: components["schemas"]["Name"];
      /** @description Where inside the argument (`xs[2]`, `config.data`); the parameter name for all of it. */
      path?: string;
    };
    FlowEvent: {
      /** @constant */
      type: "flow";
      id: components["schemas"]["EventId"];
      rootId: components["schemas"]["RunId"];
      at: components["schemas"]["Timestamp"];
      /** @description The consumer (for awaited flows, the parent that awaited `from`). */
      runId: components["schemas"]["RunId"];
      flows: components["schemas"]["Flow"][];
    };
    RunEvent:
      | components["schemas"]["RunCreatedEvent"]
      | components["schemas"]["RunStateEvent"]
      | components["schemas"]["ArtifactEvent"]
      | components["schemas"]["EdgeEvent"]
      | components["schemas"]["LogEvent"]
      | components["schemas"]["FlowEvent"]
      | components["schemas"]["MetricEvent"];
    EventBatch: {
      events: components["schemas"]["RunEvent"][];
    };
    IngestResult: {
      received: number;
      /** @description Events applied by this batch. */
      ingested: number;
      /** @description Events already ingested before. */
      duplicates: number;
    };
    NullableNumber: number | null;
    Run: {
      id: components["schemas"]["RunId"];
      rootId: components["schemas"]["RunId"];
      parentId: string | null;
      stepName: string;
      state: components["schemas"]["RunState"];
      attempt: number;
      sourceHash: string;
      version: string | null;
      parameters: string[];
      cache: boolean;
      tags: string[];
      resources: components["schemas"]["ResourceRequest"];
      createdAt: number;
      startedAt: components["schemas"]["NullableNumber"];
      endedAt: components["schemas"]["NullableNumber"];
      cacheKey: string | null;
      originalRunId: string | null;
      error: components["schemas"]["ErrorInfo"] | null;
      /**
       * @description In `GET /runs` only, on root runs: how the root ran (Root.mode; `cloud`: its steps with
       *     resources, or all of it when submitted, ran as jobs).
       */
      mode?: components["schemas"]["RunMode"] | null;
      /**
       * @description In `GET /runs` only, on root runs: the executor of its first job, null when no step ran as
       *     a job.
       */
      executor?: string | null;
      /**
       * @description In `GET /runs` only, on root runs: the root run this one was rerun from (Root.rerunOf),
       *     null when it is not a rerun.
       */
      rerunOf?: null | {
        runId: components["schemas"]["RunId"];
        from: components["schemas"]["RunId"] | null;
      };
      /** @description Root runs of `GET /runs?summary=true` only. */
      summary?: components["schemas"]["RunListSummary"];
    };
    RunListSummary: {
      /** @description Runs under the root */
      steps: number;
      /** @description Of those */
      cached: number;
      /** @description Of those */
      failed: number;
      /** @description The root's first three inputs, each with a preview of at most 40 characters. */
      inputs: {
        name: string;
        preview: string;
      }[];
    };
    RunDetail: components["schemas"]["Run"] & {
      sourceText: string;
      /** @description The TypeScript the step was written as, when known (see RunInfo). */
      sourceTypeScript?: string;
      /** @description The execution count of the notebook cell that holds `sourceTypeScript`. */
      sourceCell?: number;
      /**
       * @description Each attempt of a retried run (`retry` setting), in order: when it started, how and
       *     when it ended, and its error. Empty for a run that ran once (the run's own fields
       *     describe that attempt). The last attempt has state null until it ends.
       */
      attempts: components["schemas"]["Attempt"][];
    };
    Attempt: {
      attempt: number;
      /** @description How it ended: retrying (it failed and the run tried again), or the run's final state; null while it runs. */
      state: components["schemas"]["RunState"] | null;
      startedAt: components["schemas"]["NullableNumber"];
      endedAt: components["schemas"]["NullableNumber"];
      error: components["schemas"]["ErrorInfo"] | null;
    };
    Root: {
      rootId: components["schemas"]["RunId"];
      mode: components["schemas"]["RunMode"];
      /**
       * @description abandoned: the client stopped sending heartbeats and its open runs were ended.
       * @enum {string}
       */
      status: "active" | "finished" | "abandoned";
      environment: {
        nodeVersion: string | null;
        platform: string | null;
        lockfileHash: string | null;
        gitCommit: string | null;
        notebookPath: string | null;
        hostname: string | null;
        /** @description The code package a cloud root ran (absent for local runs). */
        packageId?: components["schemas"]["Sha256"];
      };
      createdAt: number;
      lastHeartbeatAt: number;
      cancelRequested: boolean;
      /**
       * @description A rerun (`POST /runs/{runId}/rerun`) names the root run it was made from and the step
       *     run it was rerun from (null: from scratch); null for any other root.
       */
      rerunOf: null | {
        runId: components["schemas"]["RunId"];
        from: components["schemas"]["RunId"] | null;
      };
    };
    Artifact: {
      id: components["schemas"]["Sha256"];
      typeName: string;
      mediaType: string;
      size: number;
      /**
       * @description Type-specific. A `composite` artifact (arrays and objects holding tables, plots, images,
       *     bytes) has the JSON summary of its skeleton (`kind`, `preview` with parts shown as
       *     `<arrow.table>`, `keys`...) plus `partCount` and `parts`: `[{ path, id, typeName, size }]`,
       *     each part an artifact of its own, fetched by its `id`.
       */
      summary: {
        [key: string]: components["schemas"]["JsonValue"];
      };
    };
    StoredArtifact: components["schemas"]["Artifact"] & {
      /** @description Whether the bytes are on the server. */
      stored: boolean;
    };
    Edge: {
      runId: components["schemas"]["RunId"];
      /** @enum {string} */
      direction: "input" | "output";
      name: string;
      artifactId: components["schemas"]["Sha256"];
    };
    Port: {
      name: string;
      artifact: components["schemas"]["Artifact"];
    };
    Producer: {
      runId: components["schemas"]["RunId"];
      /** @description null when the producing run is not stored on this server (yet). */
      stepName: string | null;
      kind: components["schemas"]["FlowKind"];
      path?: string;
    };
    Consumer: {
      runId: components["schemas"]["RunId"];
      stepName: string | null;
      kind: components["schemas"]["FlowKind"];
      parameter?: string;
      path?: string;
    };
    InputPort: {
      name: string;
      artifact: components["schemas"]["Artifact"];
      /** @description Recorded producers of this input (empty when none was recorded); at most 100. */
      producers: components["schemas"]["Producer"][];
      /**
       * @description Present when producers were cut at 100.
       * @constant
       */
      more?: true;
    };
    OutputPort: {
      name: string;
      artifact: components["schemas"]["Artifact"];
      /** @description Runs recorded as using this output; at most 100. */
      consumers: components["schemas"]["Consumer"][];
      /**
       * @description Present when consumers were cut at 100.
       * @constant
       */
      more?: true;
    };
    RunWithPorts: {
      run: components["schemas"]["RunDetail"];
      /** @description The resolution's details when the run is a root run, else null. */
      root: components["schemas"]["Root"] | null;
      inputs: components["schemas"]["InputPort"][];
      outputs: components["schemas"]["OutputPort"][];
      /** @description The first 1,000 children, oldest first. */
      childIds: components["schemas"]["RunId"][];
      /** @description The run has more children than childIds lists; page with GET /runs/{runId}/children. */
      moreChildren: boolean;
      /**
       * @description false for a run stored before this server recorded flows: its inputs' producers are
       *     unknown (not absent).
       */
      flowsRecorded: boolean;
    };
    GraphFlow: {
      from: components["schemas"]["RunId"];
      to: components["schemas"]["RunId"];
      kind: components["schemas"]["FlowKind"];
      parameter?: string;
      path?: string;
    };
    Graph: {
      root: components["schemas"]["Root"];
      runs: components["schemas"]["Run"][];
      edges: components["schemas"]["Edge"][];
      artifacts: components["schemas"]["Artifact"][];
      /** @description Recorded data flows into the root's runs, in the order they were recorded. */
      flows: components["schemas"]["GraphFlow"][];
      /** @description false for a root stored before this server recorded flows (producers unknown). */
      flowsRecorded: boolean;
    };
    RunPage: {
      runs: components["schemas"]["Run"][];
      nextCursor: string | null;
    };
    LineageLink: {
      /** @description Parameter name (consumers) or output name (producers). */
      name: string;
      run: components["schemas"]["Run"];
    };
    Lineage: {
      artifact: components["schemas"]["Artifact"];
      /** @description Runs that output this value (this page's part). */
      producedBy: components["schemas"]["LineageLink"][];
      /** @description Runs that took this value as an input (this page's part). */
      consumedBy: components["schemas"]["LineageLink"][];
      nextCursor: string | null;
    };
    LineageRun: {
      runId: components["schemas"]["RunId"];
      depth: number;
      via: {
        runId: components["schemas"]["RunId"];
        /**
         * @description A flow kind, or `cached` (the run is the original of a cache hit, or a hit of it).
         * @enum {string}
         */
        kind: "future" | "reference" | "parent" | "awaited" | "cached";
      };
      /** @description null when the run is named by a recorded flow but not stored on this server. */
      run: components["schemas"]["Run"] | null;
    };
    RunLineagePage: {
      runId: components["schemas"]["RunId"];
      /** @enum {string} */
      direction: "upstream" | "downstream";
      runs: components["schemas"]["LineageRun"][];
      nextCursor: string | null;
      /** @description The walk stopped at its bound (256 levels, 10,000 runs); set on the last page. */
      truncated: boolean;
    };
    LogLine: {
      seq: number;
      /** @enum {string} */
      stream: "stdout" | "stderr";
      text: string;
      at: number;
    };
    LogPage: {
      lines: components["schemas"]["LogLine"][];
      nextCursor: string | null;
    };
    Note: {
      id: number;
      runId: components["schemas"]["RunId"];
      author: string;
      text: string;
      createdAt: number;
    };
    NoteInput: {
      text: string;
      author?: string;
    };
    NoteList: {
      notes: components["schemas"]["Note"][];
      nextCursor: string | null;
    };
    MetricName: string;
    /** @description At most 16 labels; keys (non-empty) and values up to 200 characters. */
    MetricLabels: {
      [key: string]: string;
    };
    /**
     * @description A number a step logged (`logMetric`). JSON has no NaN or Infinity: clients refuse them
     *     before sending. kernel-lib checks the same bounds when the step logs, so a batch is never
     *     refused for a metric it sent.
     */
    MetricEvent: {
      /** @constant */
      type: "metric";
      id: components["schemas"]["EventId"];
      rootId: components["schemas"]["RunId"];
      at: components["schemas"]["Timestamp"];
      runId: components["schemas"]["RunId"];
      name: components["schemas"]["MetricName"];
      value: number;
      /** @description An index within the run (a training step, an epoch) for curves. */
      step?: number;
      labels?: components["schemas"]["MetricLabels"];
    };
    Metric: {
      runId: components["schemas"]["RunId"];
      rootId: components["schemas"]["RunId"];
      name: string;
      value: number;
      step: number | null;
      labels: {
        [key: string]: string;
      };
      at: number;
    };
    MetricList: {
      metrics: components["schemas"]["Metric"][];
    };
    PipelineMetric: {
      runId: components["schemas"]["RunId"];
      rootId: components["schemas"]["RunId"];
      name: string;
      value: number;
      step: number | null;
      labels: {
        [key: string]: string;
      };
      at: number;
      rootState: components["schemas"]["RunState"];
      /** @description The root run's start (its creation if it never started). */
      rootStartedAt: number;
    };
    PipelineMetricPage: {
      metrics: components["schemas"]["PipelineMetric"][];
      nextCursor: string | null;
    };
    PipelineSeriesRun: {
      rootId: components["schemas"]["RunId"];
      state: components["schemas"]["RunState"];
      /** @description Its start (its creation if it never started). */
      startedAt: number;
      endedAt: number | null;
      /** @description Null while it has not ended. */
      durationMs: number | null;
    };
    /** @description One metric with one label set across the page's runs; `runs[k]` logged `values[k]` last. */
    MetricSeries: {
      name: string;
      labels: {
        [key: string]: string;
      };
      /** @description Indexes into the page's `runs`, ascending (newest run first), one per run that logged this series. */
      runs: number[];
      values: number[];
    };
    PipelineSeriesPage: {
      stepName: string;
      /** @description This page's root runs, newest first. */
      runs: components["schemas"]["PipelineSeriesRun"][];
      /** @description Resolved runs among this page's runs that ended; null when none ended. */
      successRate: number | null;
      /** @description All root runs of this pipeline. */
      count: number;
      series: components["schemas"]["MetricSeries"][];
      /** @description Series past the 200 this page answers. */
      omittedSeries: number;
      nextCursor: string | null;
    };
    PipelineRun: {
      rootId: components["schemas"]["RunId"];
      state: components["schemas"]["RunState"];
      /** @description Its start (its creation if it never started). */
      startedAt: number;
      endedAt: number | null;
      /** @description Null while it has not ended. */
      durationMs: number | null;
      mode: string;
      /** @description The executor of its first job (a cloud run); null when every step ran in its kernel. */
      executor: string | null;
    };
    PipelineSummary: {
      stepName: string;
      /** @description The newest root runs (at most `limit`), newest first. */
      runs: components["schemas"]["PipelineRun"][];
      /** @description Resolved runs among the listed runs that ended; null when none ended. */
      successRate: number | null;
      /** @description All root runs of this pipeline. */
      count: number;
    };
    NotesPane: {
      text: string;
      updatedAt: number | null;
      author: string | null;
    };
    CacheHit: {
      run: components["schemas"]["Run"];
      /** @description Output names with their artifacts; fetch bytes with GET /artifacts/{id}/value. */
      outputs: components["schemas"]["Port"][];
    };
    HeartbeatAnswer: {
      /** @description When true */
      cancelRequested: boolean;
      /** @enum {string} */
      status: "active" | "finished" | "abandoned";
      lease?: components["schemas"]["LeaseAnswer"];
    };
    /** @description Only for a heartbeat with `attempt`. */
    LeaseAnswer: {
      runId: components["schemas"]["RunId"];
      /** @description The attempt holding the lease now. */
      attempt: number;
      /**
       * @description `held`: renewed. `superseded`: a newer attempt holds it. `ended`: the run ended.
       * @enum {string}
       */
      lease: "held" | "superseded" | "ended";
      runState: components["schemas"]["RunState"];
    };
    CancelAnswer: {
      /** @constant */
      cancelRequested: true;
      /** @enum {string} */
      status: "active" | "finished" | "abandoned";
      /** @description Runs the server canceled itself because the client was gone (0 when it is alive). */
      canceledRuns: number;
    };
    ArtifactUploadBatch: {
      artifacts: {
        id: components["schemas"]["Sha256"];
        typeName: components["schemas"]["TypeName"];
        bytes: components["schemas"]["Base64"];
      }[];
    };
    ArtifactUploadResult: {
      received: number;
      /** @description Artifacts that were not stored before. */
      created: number;
    };
    Base64: string;
    CacheLookups: {
      keys: components["schemas"]["Sha256"][];
      /**
       * @description Outputs at most this many bytes long come back inline.
       * @default 0
       */
      inlineBytes: number;
      /**
       * @description What each hit's `run` carries: the whole run, as `GET /cache/{cacheKey}` answers (`full`),
       *     or only its id (`id`: all a resolver needs to name the original run; a rerun of a wide
       *     fan-out then reads and sends no run rows).
       * @default full
       * @enum {string}
       */
      run: "full" | "id";
    };
    CacheLookupAnswer: {
      hits: {
        [key: string]: {
          /** @description The run that made the outputs; only its id when asked with `run` `id`. */
          run:
            | components["schemas"]["Run"]
            | {
                id: components["schemas"]["RunId"];
              };
          outputs: {
            name: string;
            artifact: components["schemas"]["Artifact"];
            bytes?: components["schemas"]["Base64"];
          }[];
        };
      };
    };
    /** @description A code package archive (canonical JSON; see POST /packages). */
    PackageArchive: {
      /** @constant */
      format: "tsematic.package.v1";
      manifest: components["schemas"]["PackageManifest"];
      /** @description Each file's path (relative, `/`-separated) to its text. */
      files: {
        [key: string]: string;
      };
    };
    PackageManifest: {
      /** @constant */
      format: "tsematic.package.v1";
      /**
       * @description The script or notebook packaged (path relative to the project root). Notebooks add
       *     `upToCell` (`--cell N`, or null) and `cells`: per code cell (1-based position, markdown
       *     cells counted) the names kept in the module and the statements left out.
       */
      entry: {
        /** @enum {unknown} */
        kind: "script" | "notebook";
        path: string;
        upToCell?: number | null;
        cells?: {
          cell: number;
          kept: string[];
          leftOut: string[];
        }[];
      };
      /** @description The CommonJS module to require (node_modules external). */
      bundle: string;
      sourcemap: string;
      exports: string[];
      /** @description Steps found in the bundle, by name, with the source hash func() computes there. */
      steps: {
        name: string;
        sourceHash: components["schemas"]["Sha256"];
        /** @description The step's declared resources (validated at submission). */
        resources?: components["schemas"]["ResourceRequest"];
        /** @description `remote: true`: a job of its own without resources. */
        remote?: boolean;
        /** @description The step's declared `timeoutMs`. */
        timeoutMs?: number;
        /** @description The total tries of the step's declared `retry` (`retry: 3` or `{ attempts: 3 }`). */
        attempts?: number;
      }[];
      /**
       * @description The project's package.json and package-lock.json (files of the archive). A node's
       *     dependency key is sha256 of canonical JSON { lockfileSha256, nodeMajor, platform }.
       */
      dependencies: {
        packageJson: string;
        lockfile: string;
        lockfileSha256: components["schemas"]["Sha256"];
      };
      tools: {
        esbuild?: string;
      };
      files: {
        path: string;
        sha256: components["schemas"]["Sha256"];
        size: number;
      }[];
    };
    JobId: string;
    /**
     * @description `step`: a dispatched run; `root`: a submitted step by name; `program`: a submitted package's program.
     * @enum {string}
     */
    JobKind: "step" | "root" | "program";
    /** @enum {string} */
    JobState: "queued" | "running" | "succeeded" | "failed" | "canceled" | "lost";
    /** @enum {string} */
    FailureKind:
      | "step-error"
      | "exit-code"
      | "signal"
      | "out-of-memory"
      | "timeout"
      | "node-failure"
      | "preempted"
      | "canceled"
      | "lost";
    JobFailure: {
      kind: components["schemas"]["FailureKind"];
      /** @description One sentence: what happened. */
      message: string;
      /** @description What to change. */
      hint: string;
      exitCode?: number;
      signal?: string;
      memory?: {
        askedMiB: number;
        usedMiB: number;
      };
      timeoutMs?: number;
    };
    JobHandle: {
      executor: string;
      host: string;
      pid?: number;
      pgid?: number;
      /** @description The id in the executor's scheduler (Slurm: "123", "123_4" for an array task). */
      externalId?: string;
      /** @description The node it runs or ran on. */
      node?: string;
      /** @description Why the executor's scheduler has not started it yet (Slurm: Resources, Priority, ...). */
      pendingReason?: string;
      /** @description How many times the executor's scheduler restarted it in place (Slurm's requeue). */
      restarts?: number;
    };
    /** @description One attempt of executing a dispatched run or a submitted root in a worker process. */
    Job: {
      id: components["schemas"]["JobId"];
      kind: components["schemas"]["JobKind"];
      rootId: components["schemas"]["RunId"];
      runId: components["schemas"]["RunId"];
      /** @description Infrastructure attempt, apart from the step's own retry. */
      attempt: number;
      executor: string;
      state: components["schemas"]["JobState"];
      resources: components["schemas"]["ResourceRequest"];
      handle?: components["schemas"]["JobHandle"];
      failure?: components["schemas"]["JobFailure"];
      outputArtifactId?: components["schemas"]["Sha256"];
      createdAt: components["schemas"]["Timestamp"];
      startedAt?: components["schemas"]["Timestamp"];
      endedAt?: components["schemas"]["Timestamp"];
      /** @description The next attempt's job, when this one was lost and its run requeued. */
      requeuedAs?: components["schemas"]["JobId"];
    };
    InputRef: {
      name: components["schemas"]["Name"];
      artifactId: components["schemas"]["Sha256"];
    };
    /** @description In parameter order. */
    InputRefs: components["schemas"]["InputRef"][];
    /**
     * @description The submitting machine's project: a worker on that host whose lockfile still hashes to
     *     `dependencyKey` links the project's node_modules instead of installing.
     */
    LocalProject: {
      host: string;
      root: string;
      dependencyKey: components["schemas"]["Sha256"];
    };
    ExecutorName: string;
    /** @description A worker's instructions. */
    JobSpec: {
      job: components["schemas"]["Job"];
      packageId: components["schemas"]["Sha256"];
      stepName?: components["schemas"]["Name"];
      parentRunId?: components["schemas"]["RunId"] | null;
      inputs: components["schemas"]["InputRefs"];
      cacheKey?: components["schemas"]["Sha256"];
      timeoutMs?: number;
      maxParallelism?: number;
      namespace: string;
      environment?: components["schemas"]["RunEnvironment"];
      localProject?: components["schemas"]["LocalProject"];
      /** @description false: the worker takes nothing from the cache (a rerun without `cache: true`, and the steps its driver dispatches). */
      cache?: boolean;
      reuse?: components["schemas"]["ReusePlan"];
    };
    /**
     * @description A rerun from a step: the driver looks each child up under the id it had in root run
     *     `priorRootId` (the durable id formula), and one of `runIds` that resolved there with the
     *     same inputs is recorded resolved with `originalRunId` naming it, as a cache hit is.
     */
    ReusePlan: {
      priorRootId: components["schemas"]["RunId"];
      runIds: components["schemas"]["RunId"][];
    };
    RerunRequest: {
      /** @description A step run of the root to rerun from ("Rerun from here"). */
      from?: components["schemas"]["RunId"];
      /** @description Root arguments replaced, by parameter name. */
      inputs?: {
        [key: string]:
          | {
              /** @description A JSON value of the same shape as the old one. */
              value: unknown;
            }
          | {
              artifactId: components["schemas"]["Sha256"];
            };
      };
      executor?: components["schemas"]["ExecutorName"];
      /**
       * @description The URL the rerun's jobs call the server back at, one of the executor's `nodeUrls`.
       *     Absent: the original root's choice while the server still allows it, else the default.
       *     A malformed one is 400 `bad_node_url`, one outside the list 400 `node_url_not_allowed`
       *     (also with `dryRun`).
       */
      nodeUrl?: components["schemas"]["SubmissionNodeUrl"];
      /** @description Default false: nothing is taken from the cache. */
      cache?: boolean;
      /** @description Validate only: nothing is created. */
      dryRun?: boolean;
    };
    RerunAnswer: {
      rootId: components["schemas"]["RunId"];
      rerunOf: components["schemas"]["RunId"];
      from: components["schemas"]["RunId"] | null;
      job: components["schemas"]["Job"];
      watch: {
        /** @description `/api/v1/runs/<rootId>` */
        api: string;
        /** @description `tsematic show <rootId>` */
        cli: string;
      };
    };
    /** @description A dry run's answer: the rerun is valid, and the root's inputs it would run with. */
    RerunCheck: {
      /** @constant */
      ok: true;
      inputs: {
        [key: string]: {
          artifactId?: components["schemas"]["Sha256"];
          typeName: string;
        };
      };
    };
    DispatchRequest: {
      packageId: components["schemas"]["Sha256"];
      stepName: components["schemas"]["Name"];
      inputs: components["schemas"]["InputRefs"];
      resources: components["schemas"]["ResourceRequest"];
      cacheKey?: components["schemas"]["Sha256"];
      timeoutMs?: number;
      /** @description The resolver's maxParallelism: the cap of a fan-out its executor starts as one unit (a Slurm job array). */
      maxParallelism?: number;
      /**
       * @description The resolver takes nothing from the cache (a rerun from scratch): neither does the step's worker.
       * @constant
       */
      cache?: false;
      executor: components["schemas"]["ExecutorName"];
      namespace?: string;
      localProject?: components["schemas"]["LocalProject"];
    };
    JobStarted: {
      pid: number;
      host: string;
      attempt: number;
      /**
       * @description How many times the executor's cluster restarted this worker in place (Slurm's
       *     SLURM_RESTART_COUNT after a requeue). More than the job has seen: the restart is the
       *     run's next attempt, answered as a new job (its id and attempt) that the worker goes on as.
       */
      restarts?: number;
      /** @description The cluster's name of the node it runs on (Slurm's SLURMD_NODENAME). */
      node?: string;
      /** @description Its id in the cluster (Slurm: "123", or "123_4" for a task of array 123). */
      externalId?: string;
    };
    /** @description A warm worker's request for its next job, with its finished job's report. */
    NextJobRequest: {
      finished?: components["schemas"]["JobFinished"];
    };
    /** @description A warm worker's next job, and the worker token it speaks with from now on. */
    NextJob: {
      spec: components["schemas"]["JobSpec"];
      token: string;
    };
    JobFinished:
      | {
          /** @constant */
          state: "succeeded";
          outputArtifactId: components["schemas"]["Sha256"];
        }
      | {
          /** @constant */
          state: "failed";
          error: components["schemas"]["ErrorInfo"];
        };
    SubmissionRequest:
      | {
          /** @constant */
          kind: "root";
          packageId: components["schemas"]["Sha256"];
          stepName: components["schemas"]["Name"];
          inputs: components["schemas"]["InputRefs"];
          executor: components["schemas"]["ExecutorName"];
          nodeUrl?: components["schemas"]["SubmissionNodeUrl"];
          namespace?: string;
          environment?: components["schemas"]["RunEnvironment"];
          localProject?: components["schemas"]["LocalProject"];
        }
      | {
          /** @constant */
          kind: "program";
          packageId: components["schemas"]["Sha256"];
          executor: components["schemas"]["ExecutorName"];
          nodeUrl?: components["schemas"]["SubmissionNodeUrl"];
          namespace?: string;
          environment?: components["schemas"]["RunEnvironment"];
          localProject?: components["schemas"]["LocalProject"];
        };
    /**
     * @description Where the root's jobs (its driver and every step it dispatches) call the server back: one of
     *     the executor's `nodeUrls` (GET /executors). Absent: the first of them. Checked by the server
     *     itself, so that each refusal says what was wrong: at most 2048 characters, absolute http(s),
     *     no user name, password, query or fragment (else 400 `bad_node_url`), and one of the list
     *     (else 400 `node_url_not_allowed` naming the allowed URLs); nothing is created.
     */
    SubmissionNodeUrl: string;
    SubmissionAnswer: {
      rootId: components["schemas"]["RunId"];
      job: components["schemas"]["Job"];
      watch: {
        /** @description `/api/v1/runs/<rootId>` */
        api: string;
        /** @description `tsematic show <rootId>` */
        cli: string;
      };
    };
    /**
     * @description A URL of the server as an executor's jobs reach it: absolute http(s), without user name,
     *     password, query or fragment (a malformed one: 400 `bad_node_url`).
     */
    NodeUrl: string;
    ExecutorResources: {
      cpus: number;
      memoryMiB: number;
      gpus: number;
    };
    ExecutorList: {
      executors: {
        name: components["schemas"]["ExecutorName"];
        /**
         * @description The URLs this executor's jobs may be told to call the server back at: the ones the
         *     server's operator configured (`tsematic server --public-url URL`, repeatable), else
         *     the server's own URL. The first is the default; a submission's `nodeUrl` must be one
         *     of them (400 `node_url_not_allowed` otherwise).
         */
        nodeUrls: components["schemas"]["NodeUrl"][];
        /** @description The server reaches the executor now (Slurm: slurmrestd answered with the partition's nodes). */
        reachable: boolean;
        /** @description Why it is not reachable, and what to do; null when it is. */
        problem: string | null;
        /** @description The largest request it can ever admit, and whether it detects out-of-memory. */
        capabilities: {
          cpus: number;
          memoryMiB: number;
          gpus: number;
          oomDetection: boolean;
        };
        inUse: components["schemas"]["ExecutorResources"];
        queued: number;
        running: number;
      }[];
    };
    ValidationRequest: {
      steps: {
        name: components["schemas"]["Name"];
        resources?: components["schemas"]["ResourceRequest"];
      }[];
    };
    ValidationAnswer: {
      /** @constant */
      ok: true;
    };
    DependenciesPut: {
      key: components["schemas"]["Sha256"];
      archiveId: components["schemas"]["Sha256"];
      size: number;
      /** @description False when the key already named these bytes. */
      created: boolean;
    };
    UploadResult: {
      id: components["schemas"]["Sha256"];
      size: number;
      created: boolean;
    };
  };
  responses: {
    /** @description The request is malformed; the message names the problem. */
    BadRequest: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description No token, or a wrong one. */
    Unauthorized: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /**
     * @description The Origin is not configured, or a worker token asked for something outside its job's root
     *     (code `worker_forbidden`; the message says what a worker token may do).
     */
    Forbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description The server cannot start workers (code `worker_unavailable`; the message says what to install). */
    ServiceUnavailable: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description No such run, artifact or cache entry. */
    NotFound: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description The request contradicts stored state. */
    Conflict: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description The body is over the size limit. */
    TooLarge: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description The server's disk is full (or the upload does not fit); nothing was stored. */
    InsufficientStorage: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description Send JSON with Content-Type application/json. */
    UnsupportedMediaType: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description An event is well-formed but inconsistent (unknown run or artifact, wrong root). */
    Unprocessable: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
    /** @description Connect with a WebSocket client. */
    UpgradeRequired: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        "application/json": components["schemas"]["Error"];
      };
    };
  };
  parameters: {
    /** @description The step name of the pipeline's root runs. */
    StepName: components["schemas"]["Name"];
    RunId: components["schemas"]["RunId"];
    ArtifactId: components["schemas"]["Sha256"];
    /**
     * @description A dependency key: sha256 of the canonical JSON `{ lockfileSha256, nodeMajor, platform }`
     *     (kernel-lib's `dependencyKey`), what a worker computes from a package's lockfile.
     */
    DependencyKey: components["schemas"]["Sha256"];
    PackageId: components["schemas"]["Sha256"];
    JobId: components["schemas"]["JobId"];
  };
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type Error = components["schemas"]["Error"];
export type Health = components["schemas"]["Health"];
export type RequestLimits = components["schemas"]["RequestLimits"];
export type RunId = components["schemas"]["RunId"];
export type Sha256 = components["schemas"]["Sha256"];
export type EventId = components["schemas"]["EventId"];
export type Timestamp = components["schemas"]["Timestamp"];
export type Name = components["schemas"]["Name"];
export type TypeName = components["schemas"]["TypeName"];
export type MediaType = components["schemas"]["MediaType"];
export type RunState = components["schemas"]["RunState"];
export type RunMode = components["schemas"]["RunMode"];
export type ResourceRequest = components["schemas"]["ResourceRequest"];
export type RunEnvironment = components["schemas"]["RunEnvironment"];
export type ErrorInfo = components["schemas"]["ErrorInfo"];
export type RunInfo = components["schemas"]["RunInfo"];
export type RunViewMimeType = components["schemas"]["RunViewMimeType"];
export type JsonValue = components["schemas"]["JsonValue"];
export type ArtifactInfo = components["schemas"]["ArtifactInfo"];
export type RunCreatedEvent = components["schemas"]["RunCreatedEvent"];
export type RunStateEvent = components["schemas"]["RunStateEvent"];
export type ArtifactEvent = components["schemas"]["ArtifactEvent"];
export type EdgeEvent = components["schemas"]["EdgeEvent"];
export type LogEvent = components["schemas"]["LogEvent"];
export type FlowKind = components["schemas"]["FlowKind"];
export type Flow = components["schemas"]["Flow"];
export type FlowEvent = components["schemas"]["FlowEvent"];
export type RunEvent = components["schemas"]["RunEvent"];
export type EventBatch = components["schemas"]["EventBatch"];
export type IngestResult = components["schemas"]["IngestResult"];
export type NullableNumber = components["schemas"]["NullableNumber"];
export type Run = components["schemas"]["Run"];
export type RunListSummary = components["schemas"]["RunListSummary"];
export type RunDetail = components["schemas"]["RunDetail"];
export type Attempt = components["schemas"]["Attempt"];
export type Root = components["schemas"]["Root"];
export type Artifact = components["schemas"]["Artifact"];
export type StoredArtifact = components["schemas"]["StoredArtifact"];
export type Edge = components["schemas"]["Edge"];
export type Port = components["schemas"]["Port"];
export type Producer = components["schemas"]["Producer"];
export type Consumer = components["schemas"]["Consumer"];
export type InputPort = components["schemas"]["InputPort"];
export type OutputPort = components["schemas"]["OutputPort"];
export type RunWithPorts = components["schemas"]["RunWithPorts"];
export type GraphFlow = components["schemas"]["GraphFlow"];
export type Graph = components["schemas"]["Graph"];
export type RunPage = components["schemas"]["RunPage"];
export type LineageLink = components["schemas"]["LineageLink"];
export type Lineage = components["schemas"]["Lineage"];
export type LineageRun = components["schemas"]["LineageRun"];
export type RunLineagePage = components["schemas"]["RunLineagePage"];
export type LogLine = components["schemas"]["LogLine"];
export type LogPage = components["schemas"]["LogPage"];
export type Note = components["schemas"]["Note"];
export type NoteInput = components["schemas"]["NoteInput"];
export type NoteList = components["schemas"]["NoteList"];
export type MetricName = components["schemas"]["MetricName"];
export type MetricLabels = components["schemas"]["MetricLabels"];
export type MetricEvent = components["schemas"]["MetricEvent"];
export type Metric = components["schemas"]["Metric"];
export type MetricList = components["schemas"]["MetricList"];
export type PipelineMetric = components["schemas"]["PipelineMetric"];
export type PipelineMetricPage = components["schemas"]["PipelineMetricPage"];
export type PipelineSeriesRun = components["schemas"]["PipelineSeriesRun"];
export type MetricSeries = components["schemas"]["MetricSeries"];
export type PipelineSeriesPage = components["schemas"]["PipelineSeriesPage"];
export type PipelineRun = components["schemas"]["PipelineRun"];
export type PipelineSummary = components["schemas"]["PipelineSummary"];
export type NotesPane = components["schemas"]["NotesPane"];
export type CacheHit = components["schemas"]["CacheHit"];
export type HeartbeatAnswer = components["schemas"]["HeartbeatAnswer"];
export type LeaseAnswer = components["schemas"]["LeaseAnswer"];
export type CancelAnswer = components["schemas"]["CancelAnswer"];
export type ArtifactUploadBatch = components["schemas"]["ArtifactUploadBatch"];
export type ArtifactUploadResult = components["schemas"]["ArtifactUploadResult"];
export type Base64 = components["schemas"]["Base64"];
export type CacheLookups = components["schemas"]["CacheLookups"];
export type CacheLookupAnswer = components["schemas"]["CacheLookupAnswer"];
export type PackageArchive = components["schemas"]["PackageArchive"];
export type PackageManifest = components["schemas"]["PackageManifest"];
export type JobId = components["schemas"]["JobId"];
export type JobKind = components["schemas"]["JobKind"];
export type JobState = components["schemas"]["JobState"];
export type FailureKind = components["schemas"]["FailureKind"];
export type JobFailure = components["schemas"]["JobFailure"];
export type JobHandle = components["schemas"]["JobHandle"];
export type Job = components["schemas"]["Job"];
export type InputRef = components["schemas"]["InputRef"];
export type InputRefs = components["schemas"]["InputRefs"];
export type LocalProject = components["schemas"]["LocalProject"];
export type ExecutorName = components["schemas"]["ExecutorName"];
export type JobSpec = components["schemas"]["JobSpec"];
export type ReusePlan = components["schemas"]["ReusePlan"];
export type RerunRequest = components["schemas"]["RerunRequest"];
export type RerunAnswer = components["schemas"]["RerunAnswer"];
export type RerunCheck = components["schemas"]["RerunCheck"];
export type DispatchRequest = components["schemas"]["DispatchRequest"];
export type JobStarted = components["schemas"]["JobStarted"];
export type NextJobRequest = components["schemas"]["NextJobRequest"];
export type NextJob = components["schemas"]["NextJob"];
export type JobFinished = components["schemas"]["JobFinished"];
export type SubmissionRequest = components["schemas"]["SubmissionRequest"];
export type SubmissionNodeUrl = components["schemas"]["SubmissionNodeUrl"];
export type SubmissionAnswer = components["schemas"]["SubmissionAnswer"];
export type NodeUrl = components["schemas"]["NodeUrl"];
export type ExecutorResources = components["schemas"]["ExecutorResources"];
export type ExecutorList = components["schemas"]["ExecutorList"];
export type ValidationRequest = components["schemas"]["ValidationRequest"];
export type ValidationAnswer = components["schemas"]["ValidationAnswer"];
export type DependenciesPut = components["schemas"]["DependenciesPut"];
export type UploadResult = components["schemas"]["UploadResult"];
export type ResponseBadRequest = components["responses"]["BadRequest"];
export type ResponseUnauthorized = components["responses"]["Unauthorized"];
export type ResponseForbidden = components["responses"]["Forbidden"];
export type ResponseServiceUnavailable = components["responses"]["ServiceUnavailable"];
export type ResponseNotFound = components["responses"]["NotFound"];
export type ResponseConflict = components["responses"]["Conflict"];
export type ResponseTooLarge = components["responses"]["TooLarge"];
export type ResponseInsufficientStorage = components["responses"]["InsufficientStorage"];
export type ResponseUnsupportedMediaType = components["responses"]["UnsupportedMediaType"];
export type ResponseUnprocessable = components["responses"]["Unprocessable"];
export type ResponseUpgradeRequired = components["responses"]["UpgradeRequired"];
export type ParameterStepName = components["parameters"]["StepName"];
export type ParameterRunId = components["parameters"]["RunId"];
export type ParameterArtifactId = components["parameters"]["ArtifactId"];
export type ParameterDependencyKey = components["parameters"]["DependencyKey"];
export type ParameterPackageId = components["parameters"]["PackageId"];
export type ParameterJobId = components["parameters"]["JobId"];
export type $defs = Record<string, never>;
export interface operations {
  health: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The server is up. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Health"];
        };
      };
    };
  };
  ingestEvents: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["EventBatch"];
      };
    };
    responses: {
      /** @description The batch is stored. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["IngestResult"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      409: components["responses"]["Conflict"];
      413: components["responses"]["TooLarge"];
      415: components["responses"]["UnsupportedMediaType"];
      422: components["responses"]["Unprocessable"];
      507: components["responses"]["InsufficientStorage"];
    };
  };
  listRuns: {
    parameters: {
      query?: {
        /** @description Exact step name. */
        name?: string;
        /** @description Part of the step name, in any (ASCII) case. */
        nameContains?: string;
        /** @description Only runs of root runs with this step name. */
        pipeline?: string;
        /** @description One state, or several separated by commas (runs in any of them). */
        state?: components["schemas"]["RunState"][];
        tag?: string;
        /** @description true for root runs only. */
        root?: "true" | "false";
        /** @description Only runs of this root run. */
        rootId?: components["schemas"]["RunId"];
        /** @description Created at or after (milliseconds since the epoch). */
        since?: number;
        /** @description Created before (milliseconds since the epoch). */
        until?: number;
        /**
         * @description true: each root run of the page has `summary` (its step count, cache hits, failures and
         *     first inputs' previews), what tells pipeline runs apart in a list.
         */
        summary?: boolean;
        /** @description Case-insensitive substring of the step name or a tag, or a run id prefix. */
        q?: string;
        /** @description Only runs of roots that ran in this mode (`cloud`, `local`, `silent`). */
        mode?: string;
        /** @description Only runs of roots that ran a job on this executor (`local`, `slurm`). */
        executor?: string;
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of runs. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RunPage"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  getRun: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The run. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RunWithPorts"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  listChildren: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of children. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RunPage"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  getRunLineage: {
    parameters: {
      query: {
        /** @description upstream (producers, transitively) or downstream (consumers, transitively). */
        direction: "upstream" | "downstream";
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of the run's lineage. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          /**
           * @example {
           *       "runId": "5d2c0a51e3b94f0d8a1c6e7f90b1d2c3",
           *       "direction": "upstream",
           *       "runs": [
           *         {
           *           "runId": "0b7e4c2a9f1d4e6b8c3a5d7e9f0a1b2c",
           *           "depth": 1,
           *           "via": {
           *             "runId": "5d2c0a51e3b94f0d8a1c6e7f90b1d2c3",
           *             "kind": "future"
           *           },
           *           "run": null
           *         }
           *       ],
           *       "nextCursor": "WzEsIjBiN2U0YzJhOWYxZDRlNmI4YzNhNWQ3ZTlmMGExYjJjIl0",
           *       "truncated": false
           *     }
           */
          "application/json": components["schemas"]["RunLineagePage"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  getGraph: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The graph. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Graph"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  getLogs: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of log lines. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["LogPage"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  listNotes: {
    parameters: {
      query?: {
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The notes. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["NoteList"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  addNote: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["NoteInput"];
      };
    };
    responses: {
      /** @description The note as stored. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Note"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      413: components["responses"]["TooLarge"];
      415: components["responses"]["UnsupportedMediaType"];
    };
  };
  cancelRoot: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Cancel requested. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["CancelAnswer"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
    };
  };
  heartbeat: {
    parameters: {
      query?: {
        /** @description The attempt of the run this worker executes, from 1. */
        attempt?: string;
      };
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Recorded. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["HeartbeatAnswer"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  getArtifact: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        artifactId: components["parameters"]["ArtifactId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The artifact. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["StoredArtifact"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  getArtifactValue: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        artifactId: components["parameters"]["ArtifactId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The bytes. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
          "application/vnd.apache.arrow.stream": string;
          "application/json": unknown;
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  putArtifactValue: {
    parameters: {
      query: {
        /** @description The artifact's type name, part of its content address. */
        typeName: components["schemas"]["TypeName"];
      };
      header?: never;
      path: {
        artifactId: components["parameters"]["ArtifactId"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description Already stored; the upload was verified and discarded. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["UploadResult"];
        };
      };
      /** @description Stored. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["UploadResult"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["TooLarge"];
      507: components["responses"]["InsufficientStorage"];
    };
  };
  hasArtifactBytes: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        artifactId: components["parameters"]["ArtifactId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Stored; Content-Length is their size. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not an artifact id. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description No or wrong token. */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Not stored. */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
    };
  };
  uploadArtifacts: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ArtifactUploadBatch"];
      };
    };
    responses: {
      /** @description Every artifact of the batch is stored. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ArtifactUploadResult"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["TooLarge"];
      415: components["responses"]["UnsupportedMediaType"];
      507: components["responses"]["InsufficientStorage"];
    };
  };
  getLineage: {
    parameters: {
      query?: {
        /** @description Links (producers and consumers together) per page. */
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        artifactId: components["parameters"]["ArtifactId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The lineage. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Lineage"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  lookupCache: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        cacheKey: components["schemas"]["Sha256"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A cache hit. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["CacheHit"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  lookupCacheKeys: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["CacheLookups"];
      };
    };
    responses: {
      /** @description The hits. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["CacheLookupAnswer"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["TooLarge"];
      415: components["responses"]["UnsupportedMediaType"];
    };
  };
  uploadPackage: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["PackageArchive"];
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description Already stored; the upload was checked and discarded. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["UploadResult"];
        };
      };
      /** @description Stored. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["UploadResult"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["TooLarge"];
    };
  };
  getPackage: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        packageId: components["parameters"]["PackageId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The archive's bytes. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/octet-stream": string;
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  getPackageManifest: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        packageId: components["parameters"]["PackageId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The manifest. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PackageManifest"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  getDependencies: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /**
         * @description A dependency key: sha256 of the canonical JSON `{ lockfileSha256, nodeMajor, platform }`
         *     (kernel-lib's `dependencyKey`), what a worker computes from a package's lockfile.
         */
        key: components["parameters"]["DependencyKey"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The tar.gz, byte for byte as uploaded. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/gzip": string;
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  putDependencies: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        /**
         * @description A dependency key: sha256 of the canonical JSON `{ lockfileSha256, nodeMajor, platform }`
         *     (kernel-lib's `dependencyKey`), what a worker computes from a package's lockfile.
         */
        key: components["parameters"]["DependencyKey"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/gzip": string;
        "application/octet-stream": string;
      };
    };
    responses: {
      /** @description The key already named these very bytes. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DependenciesPut"];
        };
      };
      /** @description Stored; the key names this archive now. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["DependenciesPut"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      413: components["responses"]["TooLarge"];
    };
  };
  dispatchRun: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["DispatchRequest"];
      };
    };
    responses: {
      /** @description The run's existing job. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Job"];
        };
      };
      /** @description A new job, queued. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Job"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      415: components["responses"]["UnsupportedMediaType"];
      422: components["responses"]["Unprocessable"];
      503: components["responses"]["ServiceUnavailable"];
    };
  };
  getRunJob: {
    parameters: {
      query?: {
        /** @description How long to wait for the job to settle, 0 to 30000 ms (default 0). */
        waitMs?: string;
      };
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The job. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Job"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  getJobSpec: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        jobId: components["parameters"]["JobId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The spec. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["JobSpec"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  jobStarted: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        jobId: components["parameters"]["JobId"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["JobStarted"];
      };
    };
    responses: {
      /** @description The job, running. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Job"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      415: components["responses"]["UnsupportedMediaType"];
    };
  };
  jobFinished: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        jobId: components["parameters"]["JobId"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["JobFinished"];
      };
    };
    responses: {
      /** @description The job, ended. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Job"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      415: components["responses"]["UnsupportedMediaType"];
    };
  };
  nextJob: {
    parameters: {
      query?: {
        /** @description How long to wait for a job, 0 to 30000 ms (default 0), the worker's idle time. */
        waitMs?: string;
      };
      header?: never;
      path: {
        jobId: components["parameters"]["JobId"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["NextJobRequest"];
      };
    };
    responses: {
      /** @description The next job, running on the asking worker's process. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["NextJob"];
        };
      };
      /** @description No job for this worker: it exits. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      415: components["responses"]["UnsupportedMediaType"];
    };
  };
  submitRoot: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["SubmissionRequest"];
      };
    };
    responses: {
      /** @description Submitted. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["SubmissionAnswer"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      415: components["responses"]["UnsupportedMediaType"];
      422: components["responses"]["Unprocessable"];
      503: components["responses"]["ServiceUnavailable"];
    };
  };
  rerunRoot: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RerunRequest"];
      };
    };
    responses: {
      /** @description dryRun: the rerun is valid; nothing was created. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RerunCheck"];
        };
      };
      /** @description The rerun's root and driver job. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RerunAnswer"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      409: components["responses"]["Conflict"];
      415: components["responses"]["UnsupportedMediaType"];
      422: components["responses"]["Unprocessable"];
      503: components["responses"]["ServiceUnavailable"];
    };
  };
  listExecutors: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The executors. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ExecutorList"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  validateResources: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        name: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["ValidationRequest"];
      };
    };
    responses: {
      /** @description Every step can run. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["ValidationAnswer"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      415: components["responses"]["UnsupportedMediaType"];
      422: components["responses"]["Unprocessable"];
    };
  };
  runMetrics: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The points. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["MetricList"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  notesPane: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The pane's text, when and by whom it was last changed. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["NotesPane"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
    };
  };
  pipelineMetrics: {
    parameters: {
      query?: {
        /** @description Only points of this metric. */
        name?: string;
        /** @description Root runs per page. */
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        /** @description The step name of the pipeline's root runs. */
        stepName: components["parameters"]["StepName"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of points. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PipelineMetricPage"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  pipelineSeries: {
    parameters: {
      query?: {
        /** @description Only the series of this metric. */
        name?: string;
        /** @description Root runs per page. */
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path: {
        /** @description The step name of the pipeline's root runs. */
        stepName: components["parameters"]["StepName"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A page of runs and their series. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PipelineSeriesPage"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  pipelineSummary: {
    parameters: {
      query?: {
        limit?: number;
      };
      header?: never;
      path: {
        /** @description The step name of the pipeline's root runs. */
        stepName: components["parameters"]["StepName"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The summary (no runs and count 0 for an unknown pipeline). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PipelineSummary"];
        };
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
    };
  };
  liveNotes: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to the WebSocket protocol. */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      426: components["responses"]["UpgradeRequired"];
    };
  };
  liveGraph: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        runId: components["parameters"]["RunId"];
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to the WebSocket protocol. */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components["responses"]["BadRequest"];
      401: components["responses"]["Unauthorized"];
      403: components["responses"]["Forbidden"];
      404: components["responses"]["NotFound"];
      426: components["responses"]["UpgradeRequired"];
    };
  };
}
