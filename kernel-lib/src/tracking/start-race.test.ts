/**
 * Two kernels starting at once on an empty data directory: both start an embedded server, exactly
 * one must serve it, both runs must be recorded there, and no second server may be left running.
 * Real processes throughout: two client processes, the servers they start.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { alive, nodeChild, stopPid } from "../test-support/node-child";

const ROUNDS = 10;

/** Pids of processes whose command line names `home` (the servers started for it). */
function serversOf(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv.includes("server") && argv.includes(home) && alive(Number(entry))) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

const CLIENT = (name: string) => `
  const step = t.func(function ${name}(x) { return x + 1; });
  step(1).resolve().then((v) => console.log("RESULT", v), (e) => console.log("FAILED", e.message));
`;

async function round(home: string): Promise<string | undefined> {
  const env = { TSEMATIC_HOME: home, TSEMATIC_URL: undefined, TSEMATIC_TOKEN: undefined };
  const a = nodeChild(CLIENT("raceA"), env);
  const b = nodeChild(CLIENT("raceB"), env);
  const [ra, rb] = await Promise.all([a.done, b.done]);
  if (!/RESULT 2/.test(ra.output) || !/RESULT 2/.test(rb.output)) {
    return `a client failed: A: ${ra.output.trim()} | B: ${rb.output.trim()}`;
  }
  let info: { url: string; pid: number };
  try {
    info = JSON.parse(readFileSync(join(home, "server.json"), "utf8")) as typeof info;
  } catch {
    return "no server.json";
  }
  const token = readFileSync(join(home, "token"), "utf8").trim();
  const res = await fetch(`${info.url}/api/v1/runs?root=true`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const roots = ((await res.json()) as { runs: { stepName: string }[] }).runs;
  const names = roots.map((r) => r.stepName).sort();
  if (names.join(",") !== "raceA,raceB") {
    return `the server in server.json holds the runs ${JSON.stringify(names)}, not both clients' runs`;
  }
  // A server that lost the race stops by itself once it sees the winner; give it time to do so.
  const deadline = Date.now() + 60_000;
  let servers = serversOf(home);
  while (servers.length > 1 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    servers = serversOf(home);
  }
  if (servers.length !== 1 || servers[0] !== info.pid) {
    return `servers running for the data directory: ${JSON.stringify(servers)}; server.json names ${info.pid}`;
  }
  return undefined;
}

test(`two kernels auto-starting at once on an empty data directory share one server (${ROUNDS} rounds)`, async (t) => {
  const failures: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const home = mkdtempSync(join(tmpdir(), "tsematic-race-"));
    try {
      const failure = await round(home);
      if (failure) failures.push(`round ${i + 1}: ${failure}`);
    } finally {
      for (const pid of serversOf(home)) await stopPid(pid);
      rmSync(home, { recursive: true, force: true });
    }
  }
  t.diagnostic(`rounds passed: ${ROUNDS - failures.length} of ${ROUNDS}`);
  assert.deepEqual(failures, []);
});
