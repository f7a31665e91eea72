/**
 * A worker's preparation before it runs anything: the job's package, extracted once per node into
 * the worker cache, and its dependencies (the submitting project's own `node_modules` when the
 * worker runs on that machine and the lockfile still matches; else the server's prebuilt archive of
 * the dependency key when it has one, or `npm ci`, into a cache per dependency key, one install per
 * key per node, under a lock).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { localDependencyKey, sha256 } from "../package/archive";
import { extractPackage, type ExtractedPackage } from "../package/extract";
import { extractPrebuilt } from "./prebuilt";
import type { ServerClient } from "../tracking/http";
import type { JobSpec } from "../cloud/jobs";

/** The package `id` extracted under `<cache>/packages/<id>` (written once: atomic rename). */
export async function fetchPackage(
  client: ServerClient,
  cache: string,
  id: string,
): Promise<ExtractedPackage & { dir: string }> {
  const dir = join(cache, "packages", id);
  const done = join(dir, ".complete");
  if (!existsSync(done)) {
    const res = await client.request("GET", `/packages/${id}`, { timeoutMs: 600_000 });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    const { manifest } = extractPackage(bytes, tmp);
    // The manifest beside the files: later jobs of this package read it without the archive.
    writeFileSync(join(tmp, ".manifest.json"), JSON.stringify(manifest));
    writeFileSync(join(tmp, ".complete"), "");
    mkdirSync(join(cache, "packages"), { recursive: true });
    try {
      renameSync(tmp, dir);
    } catch {
      // Another worker extracted it first: theirs is the same bytes.
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const manifest = JSON.parse(
    readFileSync(join(dir, ".manifest.json"), "utf8"),
  ) as ExtractedPackage["manifest"];
  return { dir, manifest, bundlePath: join(dir, manifest.bundle) };
}

/** Where the package's `node_modules` come from; links `<dir>/node_modules` to it. */
export async function linkDependencies(
  client: ServerClient,
  spec: JobSpec,
  pkg: ExtractedPackage & { dir: string },
  cache: string,
  log: (line: string) => void,
): Promise<string> {
  const lockSha = pkg.manifest.dependencies.lockfileSha256;
  const key = localDependencyKey(lockSha);
  let target: string | undefined;
  const local = spec.localProject;
  if (local && local.host === hostname() && local.dependencyKey === key) {
    try {
      const lock = readFileSync(join(local.root, "package-lock.json"));
      if (
        localDependencyKey(sha256(lock)) === key &&
        existsSync(join(local.root, "node_modules"))
      ) {
        target = join(local.root, "node_modules");
        log(`dependencies: the project's own node_modules at ${target}`);
      }
    } catch {
      // The project moved or lost its lockfile: install instead.
    }
  }
  target ??= await install(client, pkg, cache, key, log);
  const link = join(pkg.dir, "node_modules");
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== target) {
    const tmp = `${link}.tmp-${process.pid}`;
    rmSync(tmp, { force: true });
    symlinkSync(target, tmp, "dir");
    renameSync(tmp, link);
  }
  return target;
}

/**
 * The server's prebuilt archive of `key`, else `npm ci --ignore-scripts`, into `<cache>/deps/<key>`,
 * once per key per node (others wait).
 */
async function install(
  client: ServerClient,
  pkg: ExtractedPackage & { dir: string },
  cache: string,
  key: string,
  log: (line: string) => void,
): Promise<string> {
  const dir = join(cache, "deps", key);
  const done = join(dir, ".complete");
  const lock = `${dir}.lock`;
  mkdirSync(join(cache, "deps"), { recursive: true });
  let waiting = false;
  while (!existsSync(done)) {
    let fd: number | undefined;
    try {
      fd = openSync(lock, "wx");
    } catch {
      if (!waiting) {
        // Said once, so a worker that seems stuck tells why.
        log(`dependencies: waiting for ${lock} (another worker installs key ${key})`);
        waiting = true;
      }
      // Someone installs this key now. A lock older than 30 minutes is left by a dead worker.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 30 * 60_000) rmSync(lock, { force: true });
      } catch {
        // Gone already.
      }
      await sleep(500);
      continue;
    }
    try {
      closeSync(fd);
      if (existsSync(done)) break;
      rmSync(dir, { recursive: true, force: true });
      if (await extractPrebuilt(client, key, dir, log)) break;
      log(`dependencies: npm ci --ignore-scripts into ${dir}`);
      mkdirSync(dir, { recursive: true });
      const deps = pkg.manifest.dependencies;
      writeFileSync(join(dir, "package.json"), readFileSync(join(pkg.dir, deps.packageJson)));
      writeFileSync(join(dir, "package-lock.json"), readFileSync(join(pkg.dir, deps.lockfile)));
      execFileSync("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], {
        cwd: dir,
        stdio: ["ignore", "inherit", "inherit"],
      });
      mkdirSync(join(dir, "node_modules"), { recursive: true });
      writeFileSync(done, "");
    } finally {
      rmSync(lock, { force: true });
    }
  }
  return join(dir, "node_modules");
}
