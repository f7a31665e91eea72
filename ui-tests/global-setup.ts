/**
 * Starts, for the whole test run, on 127.0.0.1 only:
 * - the real lineage server (server/, `tsematic server`) in a temporary data directory, allowing
 *   the JupyterLab page's origin (CORS), as `npm start` does;
 * - a mock of its REST API with the same token, for tests that need fixed runs (TSEMATIC_MOCK_URL);
 * - the JupyterLab host (lab/serve.py, no auth: loopback only) with the built extension, the tslab
 *   kernelspec from JUPYTER_PATH (scripts/ui-tests.sh sets it), and TSEMATIC_URL/TSEMATIC_TOKEN/
 *   TSEMATIC_HOME naming the real server to the kernels and to the extension (page config).
 * Notebooks live in ui-tests/test-output/notebooks: inside the project, where tslab resolves
 * `tsematic`. Tests find the host through TARGET_URL (galata's base URL). The returned function
 * stops everything and removes the temporary data; the host also stops if this process dies.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { startMockLineageServer } from "./mock-lineage-server";

const repo = resolve(__dirname, "..");
const OUTPUT_DIR = join(__dirname, "test-output");

export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const notebooks = join(OUTPUT_DIR, "notebooks");
  rmSync(notebooks, { recursive: true, force: true });
  mkdirSync(notebooks);
  const dataDir = mkdtempSync(join(tmpdir(), "tsematic-ui-data-"));

  // The page's origin must be known before the server starts, to allow it.
  const labPort = await freePort();
  const labOrigin = `http://127.0.0.1:${labPort}`;

  const server = spawn(
    process.execPath,
    [
      join(repo, "server", "lib", "cli.js"),
      "server",
      "--port=0",
      `--data-dir=${dataDir}`,
      `--cors-origin=${labOrigin}`,
    ],
    { stdio: ["ignore", "pipe", openSync(join(OUTPUT_DIR, "lineage-server.log"), "w")] },
  );
  const serverUrl = await announced(server, /listening on (\S+)/, "the lineage server");
  const token = readFileSync(join(dataDir, "token"), "utf8").trim();
  const mock = await startMockLineageServer(token);

  const lab = spawn(
    "/usr/bin/python3",
    [
      join(repo, "lab", "serve.py"),
      `--port=${labPort}`,
      "--no-auth",
      "--exit-with-parent",
      "--expose-app-in-browser",
      `--root-dir=${notebooks}`,
    ],
    {
      stdio: ["ignore", "pipe", openSync(join(OUTPUT_DIR, "lab-server.log"), "w")],
      env: {
        ...process.env,
        TSEMATIC_URL: serverUrl,
        TSEMATIC_TOKEN: token,
        TSEMATIC_HOME: dataDir,
      },
    },
  );
  await announced(lab, /TSEMATIC_LAB_URL=(\S+)/, "lab/serve.py");

  process.env.TARGET_URL = labOrigin;
  process.env.TSEMATIC_MOCK_URL = mock.url;

  return async () => {
    await Promise.all([stop(lab), stop(server)]);
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
}

/** A free 127.0.0.1 port (free now; taken by the host a moment later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** The first capture of `pattern` in the child's stdout; fails if it exits or takes 30 s. */
function announced(child: ChildProcess, pattern: RegExp, name: string): Promise<string> {
  const stdout = child.stdout;
  if (stdout === null) throw new Error(`no stdout pipe to ${name}`);
  return new Promise((resolveMatch, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s`)), 30_000);
    let seen = "";
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = pattern.exec(seen)?.[1];
      if (match) {
        clearTimeout(timer);
        stdout.off("data", onData);
        stdout.resume(); // keep draining, so the child never blocks on a full pipe
        resolveMatch(match);
      }
    };
    stdout.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: see ui-tests/test-output/*.log`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
