/** `tsematic runs | show | logs | metrics | cancel`: inspect and steer runs through the HTTP API. */
import { RUN_ID } from "../http/ids";
import type {
  ConsumerView,
  InputPortView,
  LogLineView,
  OutputPortView,
  ProducerView,
  RootView,
  RunDetailView,
  RunView,
} from "../model/api";
import { RUN_STATES } from "../model/events";
import { ApiClient, ApiError } from "./client";
import { CliError } from "./errors";
import { bytes, duration, runLabel, table, time } from "./format";
import { failureLines, jobLines, type FailureView, type JobView } from "./jobs";
import type { Parsed } from "./main";
import {
  metricsCommand as pipelineMetricsCommand,
  notesPaneOf,
  printMetricsAndNotes,
  runMetrics,
} from "./metrics";

function client(values: Parsed["values"]): ApiClient {
  return new ApiClient({
    url: values.url as string | undefined,
    dataDir: values["data-dir"] as string | undefined,
  });
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function runIdArgument({ positionals }: Parsed, what: string): string {
  const [id, extra] = positionals;
  if (id === undefined) throw CliError.usage(`give the ${what} id`);
  if (extra !== undefined) throw CliError.usage(`unexpected argument "${extra}"`);
  if (!RUN_ID.test(id)) {
    throw CliError.usage(`"${id}" is not a run id: run ids are 8 to 64 lowercase hex characters`);
  }
  return id;
}

export async function runsCommand(args: Parsed): Promise<number> {
  const { values, positionals } = args;
  if (positionals.length > 0) throw CliError.usage(`unexpected argument "${positionals[0]}"`);
  const params = new URLSearchParams();
  const state = values.state as string | undefined;
  if (state !== undefined && !(RUN_STATES as readonly string[]).includes(state)) {
    throw CliError.usage(`--state must be one of ${RUN_STATES.join(", ")}`);
  }
  const limit = values.limit as string | undefined;
  if (limit !== undefined && !/^\d+$/.test(limit)) throw CliError.usage("--limit must be a number");
  if (values.pipeline !== undefined) params.set("pipeline", values.pipeline as string);
  if (state !== undefined) params.set("state", state);
  if (values.tag !== undefined) params.set("tag", values.tag as string);
  if (!values.all) params.set("root", "true");
  params.set("limit", limit ?? "50");
  const page = await client(values).get<{ runs: RunView[] }>(`/runs?${params}`);
  if (values.json) {
    print(JSON.stringify(page.runs, null, 2));
    return 0;
  }
  if (page.runs.length === 0) {
    print("No runs match. Runs appear here once a tracked pipeline runs (`await pipeline(...)`).");
    return 0;
  }
  print(
    table(
      ["ID", "NAME", "STATE", "CREATED", "DURATION", "TAGS"],
      page.runs.map((r) => [
        r.id,
        r.stepName,
        r.state,
        time(r.createdAt),
        duration(r.startedAt ?? r.createdAt, r.endedAt),
        r.tags.join(","),
      ]),
    ),
  );
  return 0;
}

interface RunAnswer {
  run: RunDetailView;
  root: RootView | null;
  inputs: InputPortView[];
  outputs: OutputPortView[];
  childIds: string[];
  moreChildren: boolean;
  flowsRecorded: boolean;
}

/** Every child of a run, following the pages of GET /runs/{id}/children. */
async function allChildren(api: ApiClient, runId: string): Promise<RunView[]> {
  const children: RunView[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`;
    const page: { runs: RunView[]; nextCursor: string | null } = await api.get(
      `/runs/${runId}/children?limit=1000${query}`,
    );
    children.push(...page.runs);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return children;
}

export async function showCommand(args: Parsed): Promise<number> {
  const id = runIdArgument(args, "run");
  const api = client(args.values);
  const answer = await api.get<RunAnswer>(`/runs/${id}`);
  const job = await jobOf(api, id);
  const { run } = answer;
  const metrics = await runMetrics(api, id);
  const notes = run.id === run.rootId ? await notesPaneOf(api, id) : undefined;
  if (args.values.json) {
    const extras = {
      ...(job ? { job } : {}),
      ...(metrics ? { metrics } : {}),
      ...(notes ? { notesPane: notes } : {}),
    };
    print(JSON.stringify({ ...answer, ...extras }, null, 2));
    return 0;
  }
  // Where the run came from (its root's notebook, its pipeline) is worth a second request for a step.
  const rootAnswer =
    run.id === run.rootId
      ? answer
      : await api
          .get<{ run: RunView; root: RootView | null }>(`/runs/${run.rootId}`)
          .catch(() => null);
  const root = rootAnswer?.root ?? null;
  const rootLabel = rootAnswer ? `${run.rootId} (${rootAnswer.run.stepName})` : run.rootId;
  const facts: [string, string][] = [
    ["state", `${run.state}${run.attempt > 1 ? ` (attempt ${run.attempt})` : ""}`],
    ["root", run.rootId === run.id ? "(this run)" : rootLabel],
    [
      "parent",
      run.parentId === null ? "-" : run.parentId === run.rootId ? rootLabel : run.parentId,
    ],
    ["created", time(run.createdAt)],
    ["started", time(run.startedAt)],
    ["ended", time(run.endedAt)],
    ["duration", duration(run.startedAt, run.endedAt)],
    ["tags", run.tags.join(", ") || "-"],
    ["resources", resources(run.resources) || "-"],
    ["source hash", run.sourceHash],
    ["cache key", run.cacheKey ?? "-"],
  ];
  if (run.originalRunId) facts.push(["cached from", run.originalRunId]);
  if (root && run.id !== run.rootId) facts.push(["notebook", root.environment.notebookPath ?? "-"]);
  if (root && run.id === run.rootId) {
    const env = root.environment;
    facts.push(
      ["mode", root.mode],
      ["status", root.status + (root.cancelRequested ? " (cancel requested)" : "")],
      ["node", env.nodeVersion ?? "-"],
      ["git commit", env.gitCommit ?? "-"],
      ["lockfile", env.lockfileHash ?? "-"],
      ["notebook", env.notebookPath ?? "-"],
    );
    // A server older than reruns sends no rerunOf.
    const of = root.rerunOf;
    if (of) facts.push(["rerun of", of.runId + (of.from ? ` from step run ${of.from}` : "")]);
  }
  print(`Run ${run.id} (${run.stepName})`);
  for (const [k, v] of facts) print(`  ${k.padEnd(12)}${v}`);
  const none = answer.flowsRecorded
    ? "(no recorded producer)"
    : "(producer unknown: stored before flows were recorded)";
  printPorts(
    "Inputs",
    answer.inputs,
    (p) => `from ${p.producers.length === 0 ? none : producers(p)}`,
  );
  printPorts("Outputs", answer.outputs, (p) =>
    p.consumers.length === 0 ? "used by (no recorded consumer)" : `used by ${consumers(p)}`,
  );
  const children =
    answer.childIds.length === 0 && !answer.moreChildren ? [] : await allChildren(api, run.id);
  if (children.length > 0) {
    print(`Children (${children.length})`);
    print(
      table(
        ["  STEP", "STATE", "DURATION", "ID"],
        children.map((c) => [`  ${c.stepName}`, c.state, duration(c.startedAt, c.endedAt), c.id]),
      ),
    );
  }
  if (job) {
    print("Job");
    for (const line of jobLines(job)) print(`  ${line}`);
  }
  if (run.error) {
    print("Error");
    print(`  ${run.error.name}: ${run.error.message}`);
    // Set when the run failed because its job did (out of memory, killed, lost for good, ...):
    // the class and what to change come before the stack, which is the worker's, not the step's.
    const failure = (run.error as { failure?: FailureView }).failure;
    if (failure) {
      print("Failure");
      for (const line of failureLines(failure)) print(`  ${line}`);
    }
    if (run.error.stack) print(run.error.stack.replace(/^/gm, "    "));
  }
  printMetricsAndNotes(print, metrics, notes);
  return 0;
}

/** `tsematic metrics <pipeline>`: see metrics.ts. */
export function metricsCommand(args: Parsed): Promise<number> {
  return pipelineMetricsCommand(args, client(args.values), print);
}

/** The run's latest job (`GET /runs/{id}/job`), or null when it ran inline (404). */
async function jobOf(api: ApiClient, runId: string): Promise<JobView | null> {
  try {
    return await api.get<JobView>(`/runs/${runId}/job`);
  } catch (err) {
    // 404: the run has no job; route_not_found: a server from before cloud runs has none either.
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** A table of ports, each row followed by one indented line about where it came from or went. */
function printPorts<P extends InputPortView | OutputPortView>(
  title: string,
  ports: P[],
  flows: (port: P) => string,
): void {
  if (ports.length === 0) return;
  print(title);
  const lines = table(
    ["  NAME", "TYPE", "SIZE", "ARTIFACT"],
    ports.map((p) => [`  ${p.name}`, p.artifact.typeName, bytes(p.artifact.size), p.artifact.id]),
  ).split("\n");
  print(lines[0]!);
  ports.forEach((port, i) => {
    print(lines[i + 1]!);
    print(`      ${flows(port)}`);
  });
}

/** "load 1a2b3c4d, train 5e6f7a8b at models[1] (via the parent)". */
function producers(port: InputPortView): string {
  const text = port.producers.map((p: ProducerView) => {
    const at = p.path !== undefined && p.path !== port.name ? ` at ${p.path}` : "";
    return `${runLabel(p.stepName, p.runId)}${at}${flowNote(p.kind)}`;
  });
  return text.join(", ") + (port.more ? ", and more" : "");
}

/** "train 1a2b3c4d as data, pipeline 0f1e2d3c (awaited it)". */
function consumers(port: OutputPortView): string {
  const text = port.consumers.map((c: ConsumerView) => {
    const as = c.kind === "awaited" ? "" : ` as ${c.path ?? c.parameter ?? "an argument"}`;
    return `${runLabel(c.stepName, c.runId)}${as}${flowNote(c.kind)}`;
  });
  return text.join(", ") + (port.more ? ", and more (see GET /runs/{id}/lineage)" : "");
}

function flowNote(kind: ProducerView["kind"]): string {
  switch (kind) {
    case "parent":
      return " (via the parent)";
    case "reference":
      return " (by reference)";
    case "awaited":
      return " (awaited it)";
    default:
      return "";
  }
}

function resources(r: RunView["resources"]): string {
  return Object.entries(r)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
}

export async function logsCommand(args: Parsed): Promise<number> {
  const id = runIdArgument(args, "run");
  const api = client(args.values);
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? "" : `?cursor=${cursor}`;
    const page: { lines: LogLineView[]; nextCursor: string | null } = await api.get(
      `/runs/${id}/logs${query}`,
    );
    for (const line of page.lines) {
      if (args.values.json) print(JSON.stringify(line));
      else (line.stream === "stderr" ? process.stderr : process.stdout).write(asLine(line.text));
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return 0;
}

/**
 * One recorded log text as a terminal line. A step's `console.log("x")` is recorded as "x", without
 * the newline the console adds, while text written with its own newline keeps it: either way each
 * record ends one line.
 */
function asLine(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}

export async function cancelCommand(args: Parsed): Promise<number> {
  const id = runIdArgument(args, "root run");
  const answer = await client(args.values).post<{ status: string; canceledRuns: number }>(
    `/runs/${id}/cancel`,
  );
  if (args.values.json) {
    print(JSON.stringify(answer));
  } else if (answer.canceledRuns > 0) {
    print(
      `Root run ${id}: its client is gone, so the server canceled ${answer.canceledRuns} open run(s).`,
    );
  } else {
    print(`Cancel requested for root run ${id}: its client stops at its next heartbeat.`);
  }
  return 0;
}
