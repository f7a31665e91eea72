/** `tsematic runs | show | logs | cancel`: inspect and steer runs through the HTTP API. */
import { RUN_ID } from "../http/ids";
import type { LogLineView, PortView, RootView, RunDetailView, RunView } from "../model/api";
import { RUN_STATES } from "../model/events";
import { ApiClient } from "./client";
import { CliError } from "./errors";
import { bytes, duration, table, time } from "./format";
import type { Parsed } from "./main";

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
  inputs: PortView[];
  outputs: PortView[];
  childIds: string[];
}

export async function showCommand(args: Parsed): Promise<number> {
  const id = runIdArgument(args, "run");
  const answer = await client(args.values).get<RunAnswer>(`/runs/${id}`);
  if (args.values.json) {
    print(JSON.stringify(answer, null, 2));
    return 0;
  }
  const { run, root } = answer;
  const facts: [string, string][] = [
    ["state", `${run.state}${run.attempt > 1 ? ` (attempt ${run.attempt})` : ""}`],
    ["root", run.rootId === run.id ? "(this run)" : run.rootId],
    ["parent", run.parentId ?? "-"],
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
  if (root) {
    const env = root.environment;
    facts.push(
      ["mode", root.mode],
      ["status", root.status + (root.cancelRequested ? " (cancel requested)" : "")],
      ["node", env.nodeVersion ?? "-"],
      ["git commit", env.gitCommit ?? "-"],
      ["lockfile", env.lockfileHash ?? "-"],
      ["notebook", env.notebookPath ?? "-"],
    );
  }
  print(`Run ${run.id} (${run.stepName})`);
  for (const [k, v] of facts) print(`  ${k.padEnd(12)}${v}`);
  printPorts("Inputs", answer.inputs);
  printPorts("Outputs", answer.outputs);
  if (answer.childIds.length > 0) {
    print(`Children (${answer.childIds.length})`);
    for (const child of answer.childIds) print(`  ${child}`);
  }
  if (run.error) {
    print("Error");
    print(`  ${run.error.name}: ${run.error.message}`);
    if (run.error.stack) print(run.error.stack.replace(/^/gm, "    "));
  }
  return 0;
}

function printPorts(title: string, ports: PortView[]): void {
  if (ports.length === 0) return;
  print(title);
  print(
    table(
      ["  NAME", "TYPE", "SIZE", "ARTIFACT"],
      ports.map((p) => [`  ${p.name}`, p.artifact.typeName, bytes(p.artifact.size), p.artifact.id]),
    ),
  );
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
      else (line.stream === "stderr" ? process.stderr : process.stdout).write(line.text);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return 0;
}

export async function cancelCommand(args: Parsed): Promise<number> {
  const id = runIdArgument(args, "root run");
  const answer = await client(args.values).post<{ status: string; canceledRuns: number }>(
    `/runs/${id}/cancel`,
  );
  if (args.values.json) print(JSON.stringify(answer));
  else if (answer.canceledRuns > 0) {
    print(
      `Root run ${id}: its client is gone, so the server canceled ${answer.canceledRuns} open run(s).`,
    );
  } else {
    print(`Cancel requested for root run ${id}: its client stops at its next heartbeat.`);
  }
  return 0;
}
