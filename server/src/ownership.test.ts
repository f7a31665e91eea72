/**
 * A hostile data directory: group-writable, another user's, a `token` symlink to a known file; and a
 * server.json that names a server elsewhere. The server refuses to start, saying how to fix it; the
 * command line refuses to send its token anywhere but loopback.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startServer } from "./server";
import { CLI, tempDir } from "./testing/harness";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir("tsematic-hostile-");
  dirs.push(d);
  return d;
}

/** The error startServer refuses with; a server that starts after all is closed, and the test fails. */
async function refusal(dataDir: string): Promise<string> {
  let server;
  try {
    server = await startServer({ dataDir, port: 0 });
  } catch (error) {
    return (error as Error).message;
  }
  await server.close();
  return assert.fail(`the server started on ${dataDir}`);
}

describe("the server refuses a data directory it cannot trust", () => {
  it("refuses a group-writable data directory, naming the chmod that fixes it", async () => {
    const d = dir();
    chmodSync(d, 0o770);
    assert.match(
      await refusal(d),
      new RegExp(
        `the data directory ${d} is writable by its group \\(mode 0770\\).*chmod go-w ${d}`,
      ),
    );
  });

  it("refuses a data directory that belongs to another user, naming the chown that fixes it", async () => {
    // As root, give a fresh directory to `nobody`; as anyone else, /usr is root's.
    const uid = process.geteuid!();
    let d = "/usr";
    if (uid === 0) {
      d = dir();
      chownSync(d, 65534, 65534);
    }
    assert.match(
      await refusal(d),
      new RegExp(
        `the data directory ${d} belongs to user id \\d+, not to you.*chown -R ${uid} ${d}`,
      ),
    );
  });

  it("never follows a token symlink: refuses it and leaves the linked file alone", async () => {
    const d = dir();
    const known = join(dir(), "known.txt");
    writeFileSync(known, `${"k".repeat(64)}\n`, { mode: 0o644 });
    chmodSync(known, 0o644);
    symlinkSync(known, join(d, "token"));
    assert.match(
      await refusal(d),
      new RegExp(`the token file ${d}/token is a symbolic link.*rm ${d}/token`),
    );
    assert.equal(statSync(known).mode & 0o777, 0o644, "the linked file was not chmod-ed");
    assert.equal(readFileSync(known, "utf8"), `${"k".repeat(64)}\n`);
  });

  it("refuses a token file that others may write", async () => {
    const d = dir();
    writeFileSync(join(d, "token"), `${"a".repeat(64)}\n`);
    chmodSync(join(d, "token"), 0o666);
    assert.match(
      await refusal(d),
      new RegExp(`the token file ${d}/token is writable by its group.*chmod go-w ${d}/token`),
    );
  });
});

describe("the command line sends its token only to loopback servers from server.json", () => {
  /** A server that records every request's authorization header. */
  async function recorder(): Promise<{ port: number; seen: IncomingHttpHeaders[]; close(): void }> {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ok: true, version: "fake", runs: [], nextCursor: null }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
      port: (server.address() as AddressInfo).port,
      seen,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  function tsematic(args: string[], home: string): Promise<{ code: number; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { env: { PATH: process.env.PATH ?? "", TSEMATIC_HOME: home } },
        (err, _stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stderr }),
      );
    });
  }

  function homeWith(serverJson: object): string {
    const home = dir();
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "token"), `${"s".repeat(64)}\n`, { mode: 0o600 });
    writeFileSync(join(home, "server.json"), JSON.stringify(serverJson), { mode: 0o600 });
    return home;
  }

  it("refuses a server.json naming a URL that is not loopback, and sends nothing", async () => {
    const fake = await recorder();
    try {
      // 0.0.0.0 reaches this machine's listener, but is not a loopback name: a stand-in for elsewhere.
      const url = `http://0.0.0.0:${fake.port}`;
      const home = homeWith({ url, pid: process.pid, version: "x" });
      const r = await tsematic(["runs"], home);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /which is not this machine .*TSEMATIC_URL=http:\/\/0\.0\.0\.0:\d+/);
      assert.equal(fake.seen.length, 0, "no request reached the server server.json names");
    } finally {
      fake.close();
    }
  });

  it('refuses a server.json with "pid": 1, and sends nothing', async () => {
    const fake = await recorder();
    try {
      const home = homeWith({ url: `http://127.0.0.1:${fake.port}`, pid: 1, version: "x" });
      const r = await tsematic(["runs"], home);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /names pid 1, which cannot be a Tsematic server: remove the file/);
      assert.equal(fake.seen.length, 0);
    } finally {
      fake.close();
    }
  });
});
