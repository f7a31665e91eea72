/**
 * A worker's dependencies when it cannot use the submitting project's own `node_modules`: the
 * server's prebuilt archive of the dependency key, else `npm ci`, into the worker cache, once per
 * key per node, under a lock. Real processes: the
 * lineage server with its local executor and this library's worker. The projects here have no
 * node_modules of their own (the driver finds tsematic through NODE_PATH), so the worker cannot
 * link them, and no registry dependency, so `npm ci` runs offline. The workers find tsematic in
 * a node_modules beside the server's worker cache, as a node that installed tsematic would.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { localDependencyKey, sha256 } from "../package/archive";
import { eventually, ServerProcess } from "../test-support/server-process";

const REPO = join(__dirname, "..", "..", "..");

let server: ServerProcess;
const dirs: string[] = [];
const children: ChildProcess[] = [];

before(async () => {
  server = await ServerProcess.start({ args: ["--cpus", "16", "--memory-mib", "16384"] });
  symlinkSync(join(REPO, "node_modules"), join(server.dataDir, "node_modules"), "dir");
});

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * A project without node_modules whose lockfile names no package (or `lockedPackages`, by their
 * lockfile entries); its dependency key.
 */
function project(
  name: string,
  main: string,
  lockedPackages: Record<string, { version: string; resolved: string }> = {},
): { main: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), `tsematic-deps-${name}-`));
  dirs.push(dir);
  const dependencies = Object.fromEntries(
    Object.entries(lockedPackages).map(([n, p]) => [n, p.version]),
  );
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name, version: "1.0.0", dependencies }),
  );
  const packages: Record<string, unknown> = { "": { name, version: "1.0.0", dependencies } };
  for (const [n, p] of Object.entries(lockedPackages)) packages[`node_modules/${n}`] = p;
  const lock = JSON.stringify({ name, lockfileVersion: 3, requires: true, packages });
  writeFileSync(join(dir, "package-lock.json"), lock);
  writeFileSync(join(dir, "main.js"), `const { func } = require("tsematic");\n${main}`);
  return { main: join(dir, "main.js"), key: localDependencyKey(sha256(lock)) };
}

/** Runs `node main.js` against the test server; resolves with its exit code and output. */
function drive(main: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...server.clientEnv(), NODE_PATH: join(REPO, "node_modules") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, output })));
}

/** The text of every job log of the server that mentions `needle`. */
function logsMentioning(needle: string): string[] {
  const jobs = join(server.dataDir, "jobs");
  if (!existsSync(jobs)) return [];
  return readdirSync(jobs)
    .filter((f) => f.endsWith(".log"))
    .map((f) => readFileSync(join(jobs, f), "utf8"))
    .filter((text) => text.includes(needle));
}

const depsDir = (key: string): string => join(server.dataDir, "worker-cache", "deps", key);

describe("a worker's dependencies from npm ci or a prebuilt archive", () => {
  it("installs a key once into the worker cache, and a later job of the same key reuses it", async () => {
    const { main, key } = project(
      "once",
      `
const first = func({ remote: true }, function first(x) { return x + 1; });
const second = func({ remote: true }, function second(x) { return x * 2; });
const pipeline = func(async function pipeline() { return await second(await first(1)); });
pipeline().resolve({ executor: "local" }).then(
  (v) => console.log(JSON.stringify({ v })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const { code, output } = await drive(main);
    assert.equal(code, 0, output);
    assert.match(output, /\{"v":4\}/);
    const dir = depsDir(key);
    assert.ok(existsSync(join(dir, ".complete")), `${dir} holds a finished install`);
    assert.ok(existsSync(join(dir, "node_modules")));
    assert.equal(existsSync(`${dir}.lock`), false, "the lock is released");
    const installs = logsMentioning(`dependencies: npm ci --ignore-scripts into ${dir}`);
    assert.equal(installs.length, 1, "one job installed the key; the other reused it");
    assert.equal(logsMentioning("the project's own node_modules").length, 0);
  });

  it("installs a key once when two jobs of it start together: the second waits for the lock", async () => {
    const { main, key } = project(
      "together",
      `
const work = func({ remote: true }, function work(x) { return x * 10; });
const pipeline = func(async function pipeline() { return await Promise.all([work(1), work(2)]); });
pipeline().resolve({ executor: "local" }).then(
  (v) => console.log(JSON.stringify({ v })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const dir = depsDir(key);
    // Held by the test until both workers wait for it, so they reach the install together.
    const lock = `${dir}.lock`;
    mkdirSync(join(dir, ".."), { recursive: true });
    writeFileSync(lock, "");
    const done = drive(main);
    const waiting = `dependencies: waiting for ${lock}`;
    await eventually("both workers waiting for the lock", async () =>
      logsMentioning(waiting).length === 2 ? true : undefined,
    );
    rmSync(lock);
    const { code, output } = await done;
    assert.equal(code, 0, output);
    assert.match(output, /\{"v":\[10,20\]\}/);
    assert.equal(
      logsMentioning(`dependencies: npm ci --ignore-scripts into ${dir}`).length,
      1,
      "one of the two workers installed; the other waited and reused it",
    );
    assert.ok(existsSync(join(dir, ".complete")));
  });

  it("extracts the server's prebuilt archive of the key instead of running npm ci", async () => {
    // npm ci could not install this lockfile: its only package is a file that does not exist.
    const { main, key } = project(
      "prebuilt",
      `
const pad = func({ remote: true }, function pad(s) { return require("left-padish")(s, 5); });
const pipeline = func(async function pipeline() { return await pad("ab"); });
pipeline().resolve({ executor: "local" }).then(
  (v) => console.log(JSON.stringify({ v })),
  (e) => { console.error(e); process.exit(1); },
);
`,
      { "left-padish": { version: "1.0.0", resolved: "file:missing/left-padish-1.0.0.tgz" } },
    );
    const built = mkdtempSync(join(tmpdir(), "tsematic-deps-archive-"));
    dirs.push(built);
    const padish = join(built, "node_modules", "left-padish");
    mkdirSync(padish, { recursive: true });
    writeFileSync(
      join(padish, "package.json"),
      JSON.stringify({ name: "left-padish", version: "1.0.0" }),
    );
    writeFileSync(
      join(padish, "index.js"),
      'module.exports = (s, n) => ".".repeat(Math.max(0, n - s.length)) + s;\n',
    );
    execFileSync("tar", ["-czf", join(built, "deps.tgz"), "-C", built, "node_modules"]);
    const put = await fetch(`${server.url}/api/v1/dependencies/${key}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/gzip" },
      body: readFileSync(join(built, "deps.tgz")),
    });
    assert.equal(put.status, 201, await put.text());

    const { code, output } = await drive(main);
    assert.equal(code, 0, output);
    assert.match(output, /\{"v":"...ab"\}/);
    const dir = depsDir(key);
    assert.equal(
      logsMentioning(`dependencies: the server's prebuilt archive of key ${key}`).length,
      1,
    );
    assert.equal(
      logsMentioning(`npm ci --ignore-scripts into ${dir}`).length,
      0,
      "npm ci did not run",
    );
    assert.ok(existsSync(join(dir, ".complete")));
    assert.ok(existsSync(join(dir, "node_modules", "left-padish", "index.js")));
  });
});
