import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { mintSlurmJwt } from "../executors/slurm/jwt";
import { mungeSocketDir, startSlurmCluster, type SlurmCluster } from "./cluster";
import { isAlive, jobProcessesOfNode } from "./node-processes";

const repo = resolve(__dirname, "../../..");

/** Submits a batch job through slurmrestd with a freshly minted token; returns its id. */
async function submit(
  cluster: SlurmCluster,
  script: string,
  job: Record<string, unknown> = {},
): Promise<number> {
  const response = await fetch(`${cluster.restUrl}/slurm/v0.0.38/job/submit`, {
    method: "POST",
    headers: { ...headers(cluster), "Content-Type": "application/json" },
    body: JSON.stringify({
      script,
      job: {
        name: "cluster-test",
        partition: cluster.partition,
        current_working_directory: "/tmp",
        environment: { PATH: "/usr/local/bin:/usr/bin:/bin" },
        standard_output: "/dev/null",
        ...job,
      },
    }),
  });
  const body = (await response.json()) as { job_id?: number; errors?: unknown[] };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.ok(body.job_id, JSON.stringify(body));
  return body.job_id;
}

function headers(cluster: SlurmCluster): Record<string, string> {
  const token = mintSlurmJwt({
    keyFile: cluster.jwtKeyFile,
    user: cluster.user,
    lifetimeSeconds: 300,
  });
  return { "X-SLURM-USER-NAME": cluster.user, "X-SLURM-USER-TOKEN": token };
}

async function jobState(cluster: SlurmCluster, id: number): Promise<string> {
  const response = await fetch(`${cluster.restUrl}/slurm/v0.0.38/job/${id}`, {
    headers: headers(cluster),
  });
  const body = (await response.json()) as { jobs?: { job_state?: string }[] };
  return body.jobs?.[0]?.job_state ?? `unknown (${response.status})`;
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every process whose environment names this cluster's slurm.conf: its daemons. */
function processesOf(cluster: SlurmCluster): number[] {
  const needle = `SLURM_CONF=${cluster.env.SLURM_CONF}`;
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return (
          readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(needle) &&
          isAlive(Number(name))
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/stat`, "utf8").slice(0, 60)}`;
  } catch {
    return `${pid} gone`;
  }
}

function clusterName(cluster: SlurmCluster): string {
  return readFileSync(join(cluster.stateDir, "cluster-name"), "utf8").trim();
}

describe("a local Slurm cluster", { timeout: 600_000 }, () => {
  let first: SlurmCluster;
  let second: SlurmCluster;
  /** The output file of a job `first` ran, named as the slurm executor names them. */
  let firstOutput = "";
  /** A file named like one but of a job no cluster here ran: stopping a cluster keeps it. */
  const strangerOutput = join(tmpdir(), "tsematic-slurm-0badcafe-1.out");
  after(() => rmSync(strangerOutput, { force: true }));
  before(async () => {
    [first, second] = await Promise.all([startSlurmCluster(), startSlurmCluster()]);
  });
  after(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it("starts two clusters side by side with their own ports, paths and names", () => {
    assert.notEqual(first.restUrl, second.restUrl);
    assert.notEqual(first.stateDir, second.stateDir);
    assert.notEqual(first.env.SLURM_CONF, second.env.SLURM_CONF);
    assert.notEqual(clusterName(first), clusterName(second));
    const conf = (c: SlurmCluster) => readFileSync(c.env.SLURM_CONF!, "utf8");
    const ports = (c: SlurmCluster) => [...conf(c).matchAll(/Port=(\d+)/g)].map((m) => m[1]);
    assert.equal(ports(first).filter((port) => ports(second).includes(port)).length, 0);
    assert.equal(first.partition, "tsematic");
    assert.deepEqual(
      first.nodes.map((n) => [n.name, n.gpus]),
      [
        ["w1", 1],
        ["w2", 0],
      ],
    );
    const sinfo = execFileSync("sinfo", ["--noheader", "--Node", "--format=%N %t %G"], {
      env: { ...process.env, ...second.env },
      encoding: "utf8",
    });
    assert.match(sinfo, /^w1 idle gpu:1/m);
    assert.match(sinfo, /^w2 idle \(null\)/m);
  });

  it("runs a job submitted through slurmrestd as the job user, which can run node from this repository", async () => {
    const script = [
      "#!/bin/sh",
      `out=${first.stateDir}/nodes/$SLURMD_NODENAME/work/trivial-$SLURM_JOB_ID`,
      `node -p "require('${repo}/server/package.json').name + ' ' + require('os').userInfo().username" > "$out"`,
    ].join("\n");
    const [id, other] = await Promise.all([
      submit(first, script, { standard_output: "/tmp/tsematic-slurm-0badcafe-%j.out" }),
      submit(second, "#!/bin/sh\ntrue\n"),
    ]);
    for (const [cluster, job] of [
      [first, id],
      [second, other],
    ] as const) {
      const state = await until("the job to end", async () => {
        const s = await jobState(cluster, job);
        return /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)$/.test(s)
          ? s
          : undefined;
      });
      assert.equal(state, "COMPLETED");
    }
    const written = first.nodes
      .map((n) => join(first.stateDir, "nodes", n.name, "work", `trivial-${id}`))
      .filter((file) => existsSync(file));
    assert.equal(written.length, 1, "written on the one node it ran on");
    firstOutput = `/tmp/tsematic-slurm-0badcafe-${id}.out`;
    assert.ok(existsSync(firstOutput), `Slurm wrote ${firstOutput}`);
    assert.equal(readFileSync(written[0]!, "utf8").trim(), `@tsematic/server ${first.user}`);
    assert.equal(first.user, "tsematic-slurm");
  });

  it("kills a node with its jobs, and starts it again", async () => {
    const work = join(first.stateDir, "nodes", "w1", "work");
    // The GPU is on w1 only, so this job runs there.
    const id = await submit(first, `#!/bin/sh\nsleep 600 &\necho $! > ${work}/child.pid\nwait\n`, {
      gres: "gpu:1",
      standard_output: `${work}/sleeper-%j.out`,
    });
    await until("the job to run", async () =>
      (await jobState(first, id)) === "RUNNING" ? true : undefined,
    );
    const childPidFile = join(work, "child.pid");
    // Until it holds a pid: the shell creates the file before `echo` writes, and Number("") is 0.
    const child = await until("its child", async () => {
      const pid = existsSync(childPidFile) ? Number(readFileSync(childPidFile, "utf8")) : 0;
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    });
    const slurmd = Number(readFileSync(join(first.stateDir, "nodes", "w1", "slurmd.pid"), "utf8"));
    const jobProcesses = jobProcessesOfNode(clusterName(first), "w1");
    assert.ok(
      jobProcesses.includes(child),
      "the job's child is found as one of the node's job processes",
    );
    assert.ok(jobProcesses.length >= 3, "slurmstepd, the batch script and its child");
    assert.deepEqual(
      jobProcessesOfNode(clusterName(second), "w1"),
      [],
      "the other cluster's w1 runs nothing",
    );

    await first.killNode("w1");
    assert.equal(isAlive(slurmd), false, "slurmd is gone");
    assert.deepEqual(
      jobProcesses.filter(isAlive).map(describeProcess),
      [],
      "every process of its job is gone",
    );
    assert.ok(processesOf(second).length >= 5, "the other cluster's daemons still run");

    await first.startNode("w1");
    const sinfo = execFileSync("sinfo", ["--noheader", "--Node", "--format=%N %t"], {
      env: { ...process.env, ...first.env },
      encoding: "utf8",
    });
    assert.doesNotMatch(sinfo, /^w1 (down|unk)/m);
  });

  it("stops every daemon and job process it started, and removes the state directory it made and its jobs' outputs", async () => {
    writeFileSync(strangerOutput, "another cluster's job\n");
    const clusters = [first, second];
    const daemons = clusters.map(processesOf);
    const names = clusters.map(clusterName);
    assert.ok(
      daemons.every((pids) => pids.length >= 5),
      "munged, slurmctld, two slurmd and slurmrestd ran",
    );
    await Promise.all(clusters.map((c) => c.stop()));
    for (const [i, cluster] of clusters.entries()) {
      assert.deepEqual(daemons[i]!.filter(isAlive), []);
      assert.deepEqual(processesOf(cluster), []);
      for (const node of cluster.nodes) {
        assert.deepEqual(jobProcessesOfNode(names[i]!, node.name), []);
      }
      assert.equal(existsSync(cluster.stateDir), false);
    }
    assert.equal(existsSync(firstOutput), false, `${firstOutput} went with its cluster`);
    assert.ok(existsSync(strangerOutput), "a file of a job no cluster here ran stays");
  });
});

describe("a local Slurm cluster in a kept state directory", { timeout: 600_000 }, () => {
  const stateDir = mkdtempSync(join(tmpdir(), "tsematic-slurm-kept-"));
  after(() => rmSync(stateDir, { recursive: true, force: true }));

  it("starts again from its kept state, and names the daemon and its log when one does not start", async () => {
    const cluster = await startSlurmCluster({ stateDir });
    const name = clusterName(cluster);
    await cluster.stop();
    assert.equal(
      existsSync(join(stateDir, "etc", "slurm.conf")),
      true,
      "a given state directory is kept",
    );

    const again = await startSlurmCluster({ stateDir });
    assert.equal(clusterName(again), name, "the same cluster, from its saved state");
    await again.stop();

    // slurmctld refuses saved state of another cluster: a daemon that exits while starting.
    writeFileSync(join(stateDir, "cluster-name"), "tsother\n");
    await assert.rejects(startSlurmCluster({ stateDir }), (error: Error) => {
      assert.match(error.message, /Slurm's slurmctld (exited|killed)/);
      assert.match(error.message, /slurmctld\.log/, "with the tail of its log");
      return true;
    });
    const conf = join(stateDir, "etc", "slurm.conf");
    const leftovers = readdirSync("/proc").filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "utf8")
          .split("\0")
          .includes(`SLURM_CONF=${conf}`);
      } catch {
        return false;
      }
    });
    assert.deepEqual(
      leftovers.filter((pid) => isAlive(Number(pid))),
      [],
      "what did start was stopped",
    );
  });

  it("starts in a state directory below a folder only root and the job user may pass, as in a checkout in /root", async () => {
    // `npm run slurm` keeps its state in the checkout; munged refuses a socket below a folder that
    // not everyone may pass ("execute permissions for all required"), so its socket lives elsewhere.
    const parent = mkdtempSync(join(tmpdir(), "tsematic-private-"));
    try {
      chmodSync(parent, 0o700);
      execFileSync("setfacl", ["-m", "u:tsematic-slurm:x", parent]); // what a checkout there gets
      const cluster = await startSlurmCluster({ stateDir: join(parent, "state") });
      const socketDir = mungeSocketDir(cluster.stateDir);
      try {
        const res = await fetch(`${cluster.restUrl}/slurm/v0.0.38/diag`, {
          headers: headers(cluster),
        });
        assert.equal(res.status, 200, await res.text());
      } finally {
        await cluster.stop();
      }
      assert.equal(existsSync(join(socketDir, "munge.socket")), false, "the socket went with it");
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it("says what to run when the job user does not exist", async () => {
    await assert.rejects(
      startSlurmCluster({ user: "tsematic-no-such-user" }),
      /job user "tsematic-no-such-user" does not exist: run `bash scripts\/slurm-install.sh`/,
    );
  });
});
