/**
 * Starts, for the whole test run: a mock lineage server, and the JupyterLab host (lab/serve.py) on
 * a free 127.0.0.1 port with no auth (loopback only), the built Tsematic extension, the tslab
 * kernelspec when scripts/ui-tests.sh wrote one (JUPYTER_PATH), and the mock server in its page
 * config. Tests find them through TARGET_URL (galata's base URL) and TSEMATIC_MOCK_*.
 * The returned function stops both and removes the scratch folder; the host also stops by itself
 * if this process dies.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { startMockLineageServer } from "./mock-lineage-server";

const repo = resolve(__dirname, "..");
export const OUTPUT_DIR = join(__dirname, "test-output");

export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const mock = await startMockLineageServer("ui-test-token");

  // The file browser root: a scratch folder, so tests never write into the repository.
  const rootDir = mkdtempSync(join(tmpdir(), "tsematic-ui-"));
  const log = openSync(join(OUTPUT_DIR, "lab-server.log"), "w");
  const lab = spawn(
    "/usr/bin/python3",
    [
      join(repo, "lab", "serve.py"),
      "--port=0",
      "--no-auth",
      "--exit-with-parent",
      "--expose-app-in-browser",
      `--root-dir=${rootDir}`,
      `--page-config=tsematicServerUrl=${mock.url}`,
      `--page-config=tsematicToken=${mock.token}`,
    ],
    { stdio: ["ignore", "pipe", log] },
  );
  const stdout = lab.stdout;
  if (stdout === null) throw new Error("no stdout pipe to lab/serve.py");
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error("lab/serve.py did not start in 30 s")), 30_000);
    let seen = "";
    stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /TSEMATIC_LAB_URL=(\S+)/.exec(seen);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    lab.on("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(`lab/serve.py exited with ${code}: see ui-tests/test-output/lab-server.log`),
      );
    });
  });
  stdout.resume();

  process.env.TARGET_URL = new URL(url).origin;
  process.env.TSEMATIC_MOCK_URL = mock.url;
  process.env.TSEMATIC_MOCK_TOKEN = mock.token;

  return async () => {
    const exited = new Promise((done) => lab.once("exit", done));
    lab.kill("SIGTERM");
    const timer = setTimeout(() => lab.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    await mock.close();
    rmSync(rootDir, { recursive: true, force: true });
  };
}
