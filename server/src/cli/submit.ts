/**
 * `tsematic submit <script.ts | notebook.ipynb> [--cell N] [--executor local] [--node-url URL] [--wait] [--json]`:
 * packages a script, or a notebook's cells 1..N with cell N's work as the program, stores the
 * package (`POST /packages`), submits it as a detached root (`POST /submissions`, kind "program")
 * and prints the root id and where to watch it. `--wait` long-polls the root's job until it ends,
 * prints the outcome and exits non-zero when the run did not resolve, naming the failure class.
 */
import { execFileSync } from "node:child_process";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { ApiClient, ApiError } from "./client";
import { CliError } from "./errors";
import { duration } from "./format";
import { failureLines, jobEnded, type FailureView, type JobView } from "./jobs";
import type { Parsed } from "./main";
import { nodeUrlOption } from "./node-url-option";
import { build, cellOption, loadPackager, upload } from "./package";

/** What `POST /submissions` answers (201). */
interface Submission {
  rootId: string;
  job: JobView;
  watch: { api: string; cli: string };
}

/** The root run as `GET /runs/{id}` gives it, the parts read here. */
interface RootRun {
  run: {
    state: string;
    startedAt: number | null;
    endedAt: number | null;
    error: { name: string; message: string; stepName: string; failure?: FailureView } | null;
  };
}

/** How long one long-poll asks the server to wait (the contract allows up to 30 s). */
const WAIT_MS = 25_000;

export async function submitCommand({ values, positionals }: Parsed): Promise<number> {
  const [path, extra] = positionals;
  if (path === undefined) {
    throw CliError.usage("give the script (.ts) or notebook (.ipynb) to submit");
  }
  if (extra !== undefined) throw CliError.usage(`unexpected argument "${extra}"`);
  const upToCell = cellOption(values);
  const file = resolve(path);
  if (file.endsWith(".ipynb") && upToCell === null) {
    throw CliError.usage(
      `give --cell N for ${path}: the cell whose \`await pipeline(...)\` to run (its position in the notebook, markdown cells counted)`,
    );
  }
  const executor = (values.executor as string | undefined) ?? "local";
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(executor)) {
    throw CliError.usage(`--executor must be an executor's name, e.g. local, not "${executor}"`);
  }
  // Finding the server (and its token) first: a missing server is said before packaging's seconds.
  const client = new ApiClient({
    url: values.url as string | undefined,
    dataDir: values["data-dir"] as string | undefined,
  });
  const pkg = await build(await loadPackager(file, "`tsematic submit`"), file, {
    upToCell,
    program: true,
  });
  await upload(client, pkg);
  const environment = {
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    hostname: hostname(),
    lockfileHash: pkg.manifest.dependencies.lockfileSha256,
    ...gitCommit(pkg.projectRoot),
    ...(file.endsWith(".ipynb") ? { notebookPath: file } : {}),
    packageId: pkg.id,
  };
  let submission: Submission;
  try {
    submission = await client.postJson<Submission>("/submissions", {
      kind: "program",
      packageId: pkg.id,
      executor,
      ...nodeUrlOption(values),
      environment,
      // On this machine the worker links the project's own node_modules while the lockfile matches.
      localProject: { host: hostname(), root: pkg.projectRoot, dependencyKey: pkg.dependencyKey },
    });
  } catch (err) {
    throw refused(err, path, client.endpoint.url);
  }
  const { rootId, job } = submission;
  const apiUrl = `${client.endpoint.url}${submission.watch.api}`;
  if (!values.wait) {
    if (values.json) {
      print(JSON.stringify({ ...submission, packageId: pkg.id, url: apiUrl }, null, 2));
      return 0;
    }
    print(submitted(path, upToCell, submission, pkg.id, apiUrl));
    return 0;
  }
  if (!values.json) {
    print(submitted(path, upToCell, submission, pkg.id, apiUrl));
    print(`Waiting for root run ${rootId} to end (Ctrl-C stops waiting, not the run)...`);
  }
  let latest = job;
  while (!jobEnded(latest)) {
    // The server answers once the job ended, or after WAIT_MS: give the request that and a margin.
    latest = await client.get<JobView>(`/runs/${rootId}/job?waitMs=${WAIT_MS}`, WAIT_MS + 30_000);
  }
  const root = await client.get<RootRun>(`/runs/${rootId}`).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  });
  const resolved = latest.state === "succeeded" && root?.run.state === "resolved";
  const failure = failureOf(latest, root);
  if (values.json) {
    print(
      JSON.stringify(
        {
          ...submission,
          packageId: pkg.id,
          url: apiUrl,
          outcome: { job: latest, run: root?.run ?? null },
        },
        null,
        2,
      ),
    );
    return resolved ? 0 : 1;
  }
  const attempt = `job ${latest.id}, attempt ${latest.attempt}`;
  if (resolved) {
    print(
      `Root run ${rootId} resolved in ${duration(root.run.startedAt, root.run.endedAt)} (${attempt}).`,
    );
    return 0;
  }
  const state = root ? root.run.state : `not created (job ${latest.state})`;
  print(`Root run ${rootId} ${state}${failure ? `: ${failure.kind}` : ""} (${attempt}).`);
  for (const line of failure ? failureLines(failure) : []) print(`  ${line}`);
  if (!root && latest.state === "succeeded") {
    print("  The program ended without running a pipeline: does the cell (or script) await one?");
  }
  print(`  see         tsematic show ${rootId}; tsematic logs ${rootId}`);
  return 1;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function submitted(
  path: string,
  upToCell: number | null,
  s: Submission,
  packageId: string,
  apiUrl: string,
): string {
  const what = upToCell === null ? path : `${path} (cell ${upToCell})`;
  return [
    `Submitted ${what} as root run ${s.rootId}`,
    `  package   ${packageId}`,
    `  job       ${s.job.id} on the ${s.job.executor} executor (${s.job.state})`,
    `  watch     ${s.watch.cli}`,
    `  api       ${apiUrl}`,
  ].join("\n");
}

/** The failure class of an ended run: the job's, the run error's, or the step error itself. */
function failureOf(job: JobView, root: RootRun | null): FailureView | undefined {
  if (job.failure) return job.failure;
  const error = root?.run.error;
  if (error?.failure) return error.failure;
  if (error) {
    return {
      kind: "step-error",
      message: `${error.name} in step "${error.stepName}": ${error.message}`,
      hint: "see the step's error and log",
    };
  }
  if (job.state === "canceled") {
    return {
      kind: "canceled",
      message: "the run was canceled",
      hint: "submit it again to rerun it",
    };
  }
  return undefined;
}

/** Why the server refused a submission, with what to do. */
function refused(err: unknown, path: string, url: string): unknown {
  if (!(err instanceof ApiError)) return err;
  if (err.status === 404 && err.code === "route_not_found") {
    return new CliError(
      `the server at ${url} does not take submissions (no POST /api/v1/submissions): it is older than this tsematic; restart it from this installation (\`tsematic server\`)`,
    );
  }
  // 400 unknown executor (names the known ones), 422 impossible resources (names the step, what it
  // asked and the largest it could get), 503 no worker: the server's message says what to do.
  return new CliError(`cannot submit ${path}: ${err.message}`);
}

/** The commit of the project, when it is a git work tree (recorded in the root's environment). */
function gitCommit(dir: string): { gitCommit?: string } {
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 2_000,
    });
    const commit = out.toString().trim();
    return /^[0-9a-f]{40}$/.test(commit) ? { gitCommit: commit } : {};
  } catch {
    return {};
  }
}
