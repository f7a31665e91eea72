/** Command dispatch and argument parsing for `tsematic`. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { VERSION } from "../version";
import { CliError } from "./errors";
import { cancelCommand, logsCommand, metricsCommand, runsCommand, showCommand } from "./inspect";
import { packageCommand } from "./package";
import { serverCommand } from "./serve";
import { rerunCommand } from "./rerun";
import { submitCommand } from "./submit";

export const USAGE = `Usage: tsematic <command> [options]

Commands:
  server [--port 8765] [--host 127.0.0.1] [--data-dir DIR] [--cors-origin ORIGIN]... [--heartbeat-timeout SECONDS]
         [--allowed-host NAME]... [--max-artifact-bytes BYTES]
         [--cpus N] [--memory-mib N] [--gpus N] [--max-infra-attempts N] [--kill-grace-ms MS]
         [--warm-idle-ms MS]
                          start the lineage server (port 0 picks a free port; --allowed-host: a host
                          name besides 127.0.0.1/localhost that clients may use, e.g. a proxy's;
                          --cpus/--memory-mib/--gpus: what the local executor admits at once, default
                          the machine's; --max-infra-attempts: attempts of a lost worker's run,
                          default 3; --kill-grace-ms: TERM to KILL when stopping a job, default 5000;
                          --warm-idle-ms: how long a step's worker waits for another step of its
                          root before it exits, 0 for a process per step, default 3000).
         [--slurm-url URL --slurm-user USER (--slurm-jwt-key FILE | env TSEMATIC_SLURM_JWT)
          [--slurm-partition P] [--slurm-worker-dir DIR] [--slurm-array-parallelism N] [--public-url URL]...]
                          the slurm executor: jobs as Slurm batch jobs through slurmrestd, as USER
                          (tokens minted from slurm.conf's jwt_key FILE); --slurm-worker-dir: a
                          node-local directory USER can write (default /tmp/tsematic-worker-USER);
                          --public-url: the server's URL as the nodes reach it; repeatable: the
                          URLs jobs may be told to call back (the first by default; a submission
                          may pick another of them, never one outside the list).
                          \`tsematic serve\` is the same command
  runs [--pipeline NAME] [--state STATE] [--tag TAG] [--all] [--limit N] [--json]
                          list pipeline runs, newest first (--all: every step too)
  show <runId> [--json]   one run: state, notebook, timings, inputs and their producers,
                          outputs and the steps that used them, children, error, metrics and
                          a root's notes
  logs <runId>            a run's captured console output
  metrics <pipeline> [--name NAME] [--limit N] [--json]
                          the metrics of a pipeline's newest root runs (default 20): per run and
                          series (name and labels) its points, last, min and max; --json: every point
  cancel <rootId>         ask a running pipeline to stop
  package <script.ts | notebook.ipynb> [--cell N] [--upload] [--json]
                          make the code package of a script or notebook (cells up to N) and print
                          what is in it and its id; --upload stores it on the server
  submit <script.ts | notebook.ipynb> [--cell N] [--executor local] [--node-url URL] [--wait]
        [--json]
                          run a script, or a notebook's cell N (with the declarations of cells 1
                          to N), as a detached pipeline on an executor of the server: prints the
                          root run's id and where to watch it (tsematic show <rootId>); --wait
                          waits for it to end and exits 1 when it did not resolve, saying why;
                          --node-url: where its jobs call the server back, one of the server's
                          --public-url (default: the first)
  rerun <runId> [--from <stepRunId>] [--input name=value | name=@file.json]... [--executor NAME]
        [--node-url URL] [--cache] [--wait] [--json]
                          run a root run again from its stored code package, as a new root run
                          that names it: from scratch (nothing from the cache unless --cache),
                          from a step (--from: the runs not downstream of it are reused), with
                          new inputs (--input: a JSON value or a JSON file); --wait as for submit;
                          --node-url as for submit (default: the original's while allowed)
  help                    this text

Client commands find the server through TSEMATIC_URL and TSEMATIC_TOKEN, else <dataDir>/server.json
and <dataDir>/token; <dataDir> is --data-dir, $TSEMATIC_HOME or ~/.tsematic. --url overrides the URL.`;

type Options = NonNullable<ParseArgsConfig["options"]>;

const CLIENT_OPTIONS: Options = {
  url: { type: "string" },
  "data-dir": { type: "string" },
  json: { type: "boolean" },
};

const COMMAND_OPTIONS: Record<string, Options> = {
  server: {
    port: { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    "cors-origin": { type: "string", multiple: true },
    "heartbeat-timeout": { type: "string" },
    "allowed-host": { type: "string", multiple: true },
    "max-artifact-bytes": { type: "string" },
    cpus: { type: "string" },
    "memory-mib": { type: "string" },
    gpus: { type: "string" },
    "max-infra-attempts": { type: "string" },
    "kill-grace-ms": { type: "string" },
    "warm-idle-ms": { type: "string" },
    "slurm-url": { type: "string" },
    "slurm-user": { type: "string" },
    "slurm-jwt-key": { type: "string" },
    "slurm-partition": { type: "string" },
    "slurm-worker-dir": { type: "string" },
    "slurm-array-parallelism": { type: "string" },
    "public-url": { type: "string", multiple: true },
  },
  runs: {
    ...CLIENT_OPTIONS,
    pipeline: { type: "string" },
    state: { type: "string" },
    tag: { type: "string" },
    all: { type: "boolean" },
    limit: { type: "string" },
  },
  show: CLIENT_OPTIONS,
  metrics: { ...CLIENT_OPTIONS, name: { type: "string" }, limit: { type: "string" } },
  logs: CLIENT_OPTIONS,
  cancel: CLIENT_OPTIONS,
  package: { ...CLIENT_OPTIONS, cell: { type: "string" }, upload: { type: "boolean" } },
  submit: {
    ...CLIENT_OPTIONS,
    cell: { type: "string" },
    executor: { type: "string" },
    "node-url": { type: "string" },
    wait: { type: "boolean" },
  },
  rerun: {
    ...CLIENT_OPTIONS,
    from: { type: "string" },
    input: { type: "string", multiple: true },
    executor: { type: "string" },
    "node-url": { type: "string" },
    cache: { type: "boolean" },
    wait: { type: "boolean" },
  },
};

export type Parsed = {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "version") {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  try {
    const options = COMMAND_OPTIONS[command === "serve" ? "server" : command];
    if (!options) throw CliError.usage(`unknown command "${command}"`);
    const args = parse(rest, options);
    switch (command) {
      case "server":
      case "serve":
        return await serverCommand(args);
      case "runs":
        return await runsCommand(args);
      case "show":
        return await showCommand(args);
      case "logs":
        return await logsCommand(args);
      case "metrics":
        return await metricsCommand(args);
      case "package":
        return await packageCommand(args);
      case "submit":
        return await submitCommand(args);
      case "rerun":
        return await rerunCommand(args);
      default:
        return await cancelCommand(args);
    }
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`tsematic: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

function parse(args: string[], options: Options): Parsed {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true }) as Parsed;
  } catch (err) {
    throw CliError.usage(err instanceof Error ? err.message : String(err));
  }
}
