/**
 * Every command the README shows (its ```sh blocks, and `npx tsematic ...` spans in its text) runs as
 * written from the repository root, the way a newcomer types it: through npx, against a real lineage
 * server on 127.0.0.1 in a temporary TSEMATIC_HOME, with ids from runs this test tracks with the real
 * `tsematic` library.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

const REPO = path.resolve(__dirname, "..", "..");
/** Each command gets this long; npx on a loaded 2-core machine takes a few seconds to start. */
const COMMAND_TIMEOUT_MS = 90_000;

/** README commands this test does not run, and why. */
const EXCLUDED: Record<string, string> = {
  "npm test": "runs every suite, this one included",
  "npm start":
    "installs, builds and serves JupyterLab until stopped; scripts/start.sh is its own check",
  "npm run bench": "the benchmarks take minutes and only print figures (bench/)",
  "npm run lab": "serves JupyterLab until stopped; the browser tests (npm run test:ui) start it",
  "npm run build": "npm test builds every workspace before this test runs",
  "npm run build:wheel": "install-wheel.test.ts builds the wheel (into a temporary directory)",
  "pip install dist/tsematic_jupyterlab-0.1.0-py3-none-any.whl":
    "installs into the machine's Python; install-wheel.test.ts installs it into a temporary venv",
  "npm pack -w tsematic -w @tsematic/server --pack-destination dist":
    "install-npm.test.ts packs both packages (into a temporary directory) and installs them",
};

/** The commands the README shows, in order, without their trailing `# comments`. */
export function readmeCommands(readme: string): string[] {
  const commands: string[] = [];
  for (const block of readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    // A line ending in a backslash goes on in the next one, as in a shell.
    for (const line of block[1]!.replace(/\\\n\s*/g, "").split("\n")) {
      const command = line.replace(/(^|\s)#.*$/, "").trim();
      if (command !== "") commands.push(command);
    }
  }
  for (const span of readme.matchAll(/`(npx tsematic [^`]+)`/g)) commands.push(span[1]!.trim());
  return commands;
}

interface Result {
  code: number | string;
  stdout: string;
  stderr: string;
}

/** Environment without any lineage server address: commands find the server through `home`. */
function envFor(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TSEMATIC_HOME: home };
  delete env.TSEMATIC_URL;
  delete env.TSEMATIC_TOKEN;
  return env;
}

/**
 * A process in its own process group, so stopping it also stops what npx started under it; it is
 * stopped with SIGINT, as Ctrl+C stops a foreground command in a terminal.
 */
interface Started {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<number | string>;
  stop(): Promise<number | string>;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(command, args, { cwd: REPO, env, detached: true, stdio: "pipe" });
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once("close", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    output,
    exited,
    async stop() {
      if (!done) {
        try {
          process.kill(-child.pid!, "SIGINT");
        } catch {
          // the group has already gone
        }
      }
      return exited;
    },
  };
}

/** Runs a command to its end, or stops it after COMMAND_TIMEOUT_MS and says so. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const p = start(command, args, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), COMMAND_TIMEOUT_MS);
  });
  const first = await Promise.race([p.exited, timedOut]);
  clearTimeout(timer);
  if (first === "timeout") {
    await p.stop();
    return { code: `timed out after ${COMMAND_TIMEOUT_MS} ms`, ...p.output };
  }
  return { code: first, ...p.output };
}

/** Waits until `pattern` appears in the process's stdout; fails if it exits first. */
async function waitFor(p: Started, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const deadline = Date.now() + COMMAND_TIMEOUT_MS;
  for (;;) {
    const match = pattern.exec(p.output.stdout);
    if (match) return match;
    const state = await Promise.race([
      p.exited.then((code) => ({ code })),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 100)),
    ]);
    // Output that came with the exit counts: look once more before giving up.
    const late = pattern.exec(p.output.stdout);
    if (late) return late;
    if (state !== null || Date.now() > deadline) {
      throw new Error(
        `${what}: ${state ? `exited (${state.code})` : "timed out"}\nstdout: ${p.output.stdout}\nstderr: ${p.output.stderr}`,
      );
    }
  }
}

/**
 * `tsematic server` as written, except on a free port: a fixed port may be taken on a shared machine,
 * and the port is the one thing in the command a user chooses.
 */
function serverArgs(args: string[]): string[] {
  const i = args.indexOf("--port");
  return i >= 0
    ? [...args.slice(0, i), "--port", "0", ...args.slice(i + 2)]
    : [...args, "--port", "0"];
}

/**
 * Tracked runs made with the real library: a resolved `pipeline` whose `load` step logs three lines,
 * then a root `waiting` that runs until canceled. Prints the ids it needs to share on its stdout.
 */
const TRACKED_RUNS = `
const { func, runContext } = require("tsematic");
const load = func(function load(n) {
  for (let i = 1; i <= 3; i++) console.log("line " + i);
  return Array.from({ length: n }, (_, i) => i);
});
const pipeline = func(async function pipeline(n) {
  return (await load(n)).length;
});
const waiting = func(async function waiting() {
  const { signal, runId } = runContext();
  process.stdout.write("WAITING " + runId + "\\n");
  await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
});
// A notebook's kernel stays up while a step waits; this script's event loop must too.
const alive = setInterval(() => {}, 1000);
(async () => {
  const { graph } = await pipeline(3).run();
  const root = graph.root;
  const loadRun = graph.children(root.id).find((r) => r.stepName === "load");
  process.stdout.write("TRACKED " + JSON.stringify({ rootId: root.id, loadId: loadRun.id }) + "\\n");
  try {
    await waiting();
    process.stdout.write("NOT CANCELED\\n");
  } catch (err) {
    process.stdout.write("CANCELED " + (err && err.name) + "\\n");
  }
  clearInterval(alive);
  process.exit(0);
})().catch((err) => {
  process.stderr.write(String(err && err.stack) + "\\n");
  process.exit(1);
});
`;

/**
 * Waits until the server has a run: a running step's events are uploaded in batches, so a run can be
 * running in the kernel a moment before the server knows it.
 */
async function untilKnown(home: string, runId: string): Promise<void> {
  const { url } = JSON.parse(readFileSync(path.join(home, "server.json"), "utf8")) as {
    url: string;
  };
  const token = readFileSync(path.join(home, "token"), "utf8").trim();
  const deadline = Date.now() + COMMAND_TIMEOUT_MS;
  for (;;) {
    const res = await fetch(`${url}/api/v1/runs/${runId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await res.arrayBuffer();
    if (res.status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`the server never knew run ${runId} (${res.status})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("every command in the README, run as written from the repository root", () => {
  const commands = readmeCommands(readFileSync(path.join(REPO, "README.md"), "utf8"));
  const homes: string[] = [];
  const newHome = (): string => {
    const home = mkdtempSync(path.join(tmpdir(), "tsematic-readme-"));
    homes.push(home);
    return home;
  };
  const home = newHome();
  let server: Started | undefined;
  let tracked: Started | undefined;
  let ids: { rootId: string; loadId: string; waitingId: string };
  /** The root run of the README's `tsematic submit tutorials/scripts/squares.ts`. */
  let squaresRootId: string | undefined;

  before(async () => {
    server = start("npx", ["tsematic", "server", "--port", "0"], envFor(home));
    await waitFor(server, /listening on http:\/\/127\.0\.0\.1:\d+/, "npx tsematic server");
    tracked = start(process.execPath, ["-e", TRACKED_RUNS], envFor(home));
    const made = JSON.parse(
      (await waitFor(tracked, /^TRACKED (.*)$/m, "the tracked pipeline"))[1]!,
    ) as { rootId: string; loadId: string };
    const waitingId = (await waitFor(tracked, /^WAITING (\w+)$/m, "the waiting pipeline"))[1]!;
    ids = { ...made, waitingId };
    await untilKnown(home, waitingId);
  });
  after(async () => {
    await tracked?.stop();
    await server?.stop();
    for (const dir of homes) rmSync(dir, { recursive: true, force: true });
  });

  it("finds the commands to run", () => {
    assert.ok(
      commands.some((c) => c.startsWith("npx tsematic ")),
      commands.join("\n"),
    );
  });

  /** The check of each `npx tsematic <subcommand>`; the placeholders become ids of tracked runs. */
  const checks: Record<string, (args: string[]) => Promise<void>> = {
    async server(args) {
      const own = newHome();
      const p = start("npx", ["tsematic", ...serverArgs(args)], envFor(own));
      try {
        await waitFor(
          p,
          /listening on http:\/\/127\.0\.0\.1:\d+/,
          `npx tsematic ${args.join(" ")}`,
        );
        await waitFor(p, /data directory: .*\n.*token: /, "the data directory and token file");
        assert.ok(p.output.stdout.includes(own), p.output.stdout);
      } finally {
        await p.stop();
      }
      assert.equal(p.output.stderr, "");
    },
    async runs(args) {
      const r = await run("npx", ["tsematic", ...args], envFor(home));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^ID\s+NAME\s+STATE/);
      assert.match(r.stdout, new RegExp(`^${ids.rootId}\\s+pipeline\\s+resolved`, "m"));
    },
    async show(args) {
      const r = await run("npx", ["tsematic", ...args], envFor(home));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Run ${ids.loadId} \\(load\\)`));
      assert.match(r.stdout, /state\s+resolved/);
    },
    async logs(args) {
      const r = await run("npx", ["tsematic", ...args], envFor(home));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "line 1\nline 2\nline 3\n");
    },
    /** Runs on the local executor of the test's server: the run must resolve (exit code 0). */
    async submit(args) {
      const r = await run("npx", ["tsematic", ...args], envFor(home));
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const rootId = /^Submitted .* as root run ([0-9a-f]{32})\n/.exec(r.stdout)?.[1];
      assert.ok(rootId, r.stdout);
      assert.match(r.stdout, /\nRoot run [0-9a-f]{32} resolved in /);
      if (args.some((a) => a.endsWith("squares.ts"))) squaresRootId = rootId;
    },
    /**
     * Reruns the squares script's root (the README submits it first): <rootId> is that root,
     * <stepRunId> one of its square runs; the rerun must resolve and name the original.
     */
    async rerun(args) {
      assert.ok(squaresRootId, "the README submits tutorials/scripts/squares.ts before rerunning");
      const rootId = squaresRootId;
      let stepRunId = "";
      if (args.includes("<stepRunId>")) {
        const { url } = JSON.parse(readFileSync(path.join(home, "server.json"), "utf8")) as {
          url: string;
        };
        const token = readFileSync(path.join(home, "token"), "utf8").trim();
        const res = await fetch(`${url}/api/v1/runs/${rootId}/children`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const children = (await res.json()) as { runs: { id: string; stepName: string }[] };
        stepRunId = children.runs.find((c) => c.stepName === "square")!.id;
      }
      const actual = args.map((a) =>
        a === ids.waitingId ? rootId : a === "<stepRunId>" ? stepRunId : a,
      );
      const r = await run("npx", ["tsematic", ...actual], envFor(home));
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(
        r.stdout,
        new RegExp(`^Rerunning root run ${rootId}.* as root run [0-9a-f]{32}\n`),
      );
      assert.match(r.stdout, /\nRoot run [0-9a-f]{32} resolved in /);
    },
    async cancel(args) {
      const r = await run("npx", ["tsematic", ...args], envFor(home));
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`Cancel requested for root run ${ids.waitingId}`));
      await waitFor(tracked!, /^CANCELED RunCanceledError$/m, "the canceled pipeline");
    },
  };

  /**
   * `npm run slurm` as written (from the repository root, as root here: it installs what is missing),
   * kept running for the commands it prints, which the README shows next; stopped with Ctrl-C by the
   * last test of this suite.
   */
  let slurm: Started | undefined;
  let slurmPort: string | undefined;
  const commandChecks: Record<string, () => Promise<void>> = {
    async "npm run slurm"() {
      slurm = start("npm", ["run", "slurm"], { ...process.env });
      slurmPort = (
        await waitFor(slurm, /--slurm-url http:\/\/127\.0\.0\.1:(\d+) /, "npm run slurm")
      )[1];
      assert.match(slurm.output.stdout, /Slurm is ready after [\d.]+ s: partition tsematic/);
    },
    async "SLURM_CONF=$PWD/.tsematic-slurm/etc/slurm.conf squeue"() {
      assert.ok(slurm, "npm run slurm runs first");
      const r = await run(
        "bash",
        ["-c", "SLURM_CONF=$PWD/.tsematic-slurm/etc/slurm.conf squeue"],
        process.env,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\s*JOBID\s+PARTITION\s+NAME/);
    },
  };
  after(async () => {
    await slurm?.stop();
  });

  for (const [command, why] of Object.entries(EXCLUDED)) {
    it(`${command}: not run by this test (${why})`, () => {});
  }
  for (const command of commands.filter((c) => !(c in EXCLUDED))) {
    it(command, async () => {
      const own = commandChecks[command];
      if (own) return own();
      const [npx, tsematic, subcommand, ...rest] = command.split(/\s+/);
      assert.ok(
        npx === "npx" && tsematic === "tsematic" && subcommand! in checks,
        `no check for the README command "${command}": add one here, or list it in EXCLUDED with why`,
      );
      const args = [subcommand!, ...rest].map((a) =>
        a === "<runId>"
          ? ids.loadId
          : a === "<rootId>"
            ? ids.waitingId
            : a.replace("<port>", () => {
                assert.ok(slurmPort, "npm run slurm printed its port");
                return slurmPort!;
              }),
      );
      await checks[subcommand!]!(args);
    });
  }

  it("npm run slurm stops every daemon it started on Ctrl-C", async () => {
    if (!slurm) return; // the README shows no `npm run slurm`
    // Ctrl-C reaches npm and the cluster's process; npm itself ends by that signal, as in a terminal.
    await slurm.stop();
    assert.match(slurm.output.stdout, /SIGINT: stopping the Slurm cluster \.\.\.\nStopped\./);
    const state = path.join(REPO, ".tsematic-slurm");
    const left = readdirSync("/proc")
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          // munged names its socket in its arguments; Slurm's daemons find SLURM_CONF in their environment.
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
          return (
            cmdline.includes(state) || readFileSync(`/proc/${pid}/environ`, "utf8").includes(state)
          );
        } catch {
          return false; // gone meanwhile
        }
      });
    assert.deepEqual(left, [], `processes of ${state} still running`);
  });
});
