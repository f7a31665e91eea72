/**
 * Prebuilt dependencies (issue 12): a tar.gz of `node_modules` the server keeps under a dependency
 * key (`PUT /dependencies/{key}`), for nodes that cannot reach a registry. A worker asks for its
 * key before it runs `npm ci`, and extracts the archive instead when there is one.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream } from "node:stream/web";
import type { ServerClient } from "../tracking/http";

/**
 * Extracts the server's archive of `key` into `dir` (with the system `tar`, into a temporary folder
 * renamed into place, `.complete` inside), and says whether there was one. The caller holds the
 * key's install lock and has removed any half-made `dir`.
 *
 * @example
 * if (!(await extractPrebuilt(client, key, join(cache, "deps", key), log))) runNpmCi();
 */
export async function extractPrebuilt(
  client: ServerClient,
  key: string,
  dir: string,
  log: (line: string) => void,
): Promise<boolean> {
  const res = await client.request("GET", `/dependencies/${key}`, {
    allow: [404],
    timeoutMs: 600_000,
  });
  if (res.status === 404) {
    await res.body?.cancel();
    return false;
  }
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const archive = `${tmp}.tgz`;
  try {
    log(`dependencies: the server's prebuilt archive of key ${key} into ${dir}`);
    mkdirSync(tmp, { recursive: true });
    await pipeline(
      Readable.fromWeb(res.body as ReadableStream<Uint8Array>),
      createWriteStream(archive),
    );
    execFileSync("tar", ["-xzf", archive, "-C", tmp, "--no-same-owner"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (!existsSync(join(tmp, "node_modules"))) {
      throw new Error(
        `the server's dependency archive of key ${key} has no node_modules/ at its top level: ` +
          `make it in the project with \`tar -czf deps.tgz node_modules\` and upload it again ` +
          `(PUT /api/v1/dependencies/${key})`,
      );
    }
    writeFileSync(join(tmp, ".complete"), "");
    renameSync(tmp, dir);
    return true;
  } finally {
    rmSync(archive, { force: true });
    rmSync(tmp, { recursive: true, force: true });
  }
}
