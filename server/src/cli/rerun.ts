/**
 * `tsematic rerun <runId> [--from <stepRunId>] [--input name=value | name=@file.json]...
 * [--executor NAME] [--node-url URL] [--cache] [--wait] [--json]`: reruns a root run from its stored code package
 * (`POST /runs/{runId}/rerun`, design.md "Reruns"): from scratch, from a step (`--from`: the runs
 * not downstream of it are reused), with new inputs (`--input`: a JSON value, or `@file.json`), and
 * prints the new root's id and how to watch it, as `tsematic submit` does. `--wait` waits for it to
 * end and exits 1 when it did not resolve.
 */
import { readFileSync } from "node:fs";
import { ApiClient, ApiError } from "./client";
import { CliError } from "./errors";
import { duration } from "./format";
import { failureLines, jobEnded, type FailureView, type JobView } from "./jobs";
import type { Parsed } from "./main";
import { nodeUrlOption } from "./node-url-option";

/** What `POST /runs/{id}/rerun` answers (201). */
interface Rerun {
  rootId: string;
  rerunOf: string;
  from: string | null;
  job: JobView;
  watch: { api: string; cli: string };
}

interface RootRun {
  run: {
    state: string;
    startedAt: number | null;
    endedAt: number | null;
    error: { name: string; message: string; stepName: string; failure?: FailureView } | null;
  };
}

const RUN_ID = /^[0-9a-f]{8,64}$/;
/** How long one long-poll asks the server to wait (the contract allows up to 30 s). */
const WAIT_MS = 25_000;

export async function rerunCommand({ values, positionals }: Parsed): Promise<number> {
  const [runId, extra] = positionals;
  if (runId === undefined) {
    throw CliError.usage("give the root run to rerun: tsematic rerun <runId> (see tsematic runs)");
  }
  if (extra !== undefined) throw CliError.usage(`unexpected argument "${extra}"`);
  if (!RUN_ID.test(runId)) {
    throw CliError.usage(`"${runId}" is not a run id (8 to 64 lowercase hex characters)`);
  }
  const from = values.from as string | undefined;
  if (from !== undefined && !RUN_ID.test(from)) {
    throw CliError.usage(
      `--from must be a step run's id (8 to 64 lowercase hex characters), not "${from}"`,
    );
  }
  const executor = values.executor as string | undefined;
  if (executor !== undefined && !/^[a-z][a-z0-9-]{0,63}$/.test(executor)) {
    throw CliError.usage(`--executor must be an executor's name, e.g. local, not "${executor}"`);
  }
  const inputs = parseInputs((values.input as string[] | undefined) ?? []);
  const client = new ApiClient({
    url: values.url as string | undefined,
    dataDir: values["data-dir"] as string | undefined,
  });
  let rerun: Rerun;
  try {
    rerun = await client.postJson<Rerun>(`/runs/${runId}/rerun`, {
      ...(from !== undefined ? { from } : {}),
      ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
      ...(executor !== undefined ? { executor } : {}),
      ...nodeUrlOption(values),
      ...(values.cache ? { cache: true } : {}),
    });
  } catch (err) {
    throw refused(err, runId, client.endpoint.url);
  }
  const apiUrl = `${client.endpoint.url}${rerun.watch.api}`;
  if (!values.wait) {
    print(
      values.json ? JSON.stringify({ ...rerun, url: apiUrl }, null, 2) : started(rerun, apiUrl),
    );
    return 0;
  }
  if (!values.json) {
    print(started(rerun, apiUrl));
    print(`Waiting for root run ${rerun.rootId} to end (Ctrl-C stops waiting, not the run)...`);
  }
  let job = rerun.job;
  while (!jobEnded(job)) {
    job = await client.get<JobView>(
      `/runs/${rerun.rootId}/job?waitMs=${WAIT_MS}`,
      WAIT_MS + 30_000,
    );
  }
  const root = await client.get<RootRun>(`/runs/${rerun.rootId}`).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
  const resolved = job.state === "succeeded" && root?.run.state === "resolved";
  if (values.json) {
    print(
      JSON.stringify({ ...rerun, url: apiUrl, outcome: { job, run: root?.run ?? null } }, null, 2),
    );
    return resolved ? 0 : 1;
  }
  const attempt = `job ${job.id}, attempt ${job.attempt}`;
  if (resolved) {
    print(
      `Root run ${rerun.rootId} resolved in ${duration(root.run.startedAt, root.run.endedAt)} (${attempt}).`,
    );
    return 0;
  }
  const failure = job.failure ?? root?.run.error?.failure;
  const error = root?.run.error;
  print(
    `Root run ${rerun.rootId} ${root ? root.run.state : `not created (job ${job.state})`}` +
      `${failure ? `: ${failure.kind}` : ""} (${attempt}).`,
  );
  for (const line of failure ? failureLines(failure) : []) print(`  ${line}`);
  if (!failure && error) {
    print(`  what        ${error.name} in step "${error.stepName}": ${error.message}`);
  }
  print(`  see         tsematic show ${rerun.rootId}; tsematic logs ${rerun.rootId}`);
  return 1;
}

/**
 * `--input name=value` (a JSON value; text that is not JSON is taken as a string) and
 * `--input name=@file.json` (the file's JSON).
 */
export function parseInputs(specs: string[]): Record<string, { value: unknown }> {
  const out: Record<string, { value: unknown }> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0) {
      throw CliError.usage(
        `--input "${spec}": write name=value (a JSON value, e.g. lr=0.1) or name=@file.json`,
      );
    }
    const name = spec.slice(0, eq);
    const text = spec.slice(eq + 1);
    if (name in out) throw CliError.usage(`--input ${name} is given twice`);
    if (text.startsWith("@")) {
      const file = text.slice(1);
      let content: string;
      try {
        content = readFileSync(file, "utf8");
      } catch (err) {
        throw CliError.usage(
          `--input ${name}=@${file}: cannot read it (${(err as Error).message})`,
        );
      }
      try {
        out[name] = { value: JSON.parse(content) as unknown };
      } catch (err) {
        throw CliError.usage(`--input ${name}=@${file}: not JSON (${(err as Error).message})`);
      }
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = text; // lr=abc is the string "abc"; the server says when a string does not fit
    }
    out[name] = { value };
  }
  return out;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function started(r: Rerun, apiUrl: string): string {
  return [
    `Rerunning root run ${r.rerunOf}${r.from ? ` from step run ${r.from}` : ""} as root run ${r.rootId}`,
    `  job       ${r.job.id} on the ${r.job.executor} executor (${r.job.state})`,
    `  watch     ${r.watch.cli}`,
    `  api       ${apiUrl}`,
  ].join("\n");
}

/** Why the server refused the rerun, with what to do (the server's message says it). */
function refused(err: unknown, runId: string, url: string): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 404 && err.code === "route_not_found") {
    return new CliError(
      `the server at ${url} cannot rerun runs (no POST /api/v1/runs/{id}/rerun): it is older than this tsematic; restart it from this installation (\`tsematic server\`)`,
    );
  }
  return new CliError(`cannot rerun ${runId}: ${err.message}`);
}
