import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect, test } from "./fixtures";

const repo = resolve(__dirname, "..", "..");

test("npm start brings up the lineage server and JupyterLab on the first tutorial, and stops both", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const home = mkdtempSync(join(tmpdir(), "tsematic-ui-start-"));
  const start = spawn("bash", [join(repo, "scripts", "start.sh")], {
    cwd: repo,
    env: { ...process.env, TSEMATIC_HOME: home, TSEMATIC_PORT: "0", TSEMATIC_LAB_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(join(__dirname, "..", "test-output", "start.log"));
  const output: string[] = [];
  for (const stream of [start.stdout, start.stderr]) {
    stream?.pipe(log);
    stream?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  }
  try {
    const url = await labUrl(start, output);
    expect(url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/lab\/tree\/tutorials\/01-first-pipeline\.ipynb\?token=\w+$/,
    );

    const page = await browser.newPage();
    await page.goto(url);
    await expect(page.locator(".lm-DockPanel .lm-TabBar-tab.lm-mod-current")).toContainText(
      "01-first-pipeline.ipynb",
      { timeout: 60_000 },
    );
    await page.locator('[data-id="tsematic-runs"]').click();
    // Reached with the token and the CORS origin npm start set up: no error, an empty list.
    await expect(page.locator("#tsematic-runs")).toContainText("No runs yet");
    await page.close();
    // Opening a notebook makes a checkpoint: it goes to the server's state, not into tutorials/.
    expect(existsSync(join(repo, "tutorials", ".ipynb_checkpoints"))).toBe(false);

    const serverUrl = /Lineage server: (\S+)/.exec(output.join(""))?.[1];
    expect(serverUrl).toBeTruthy();
    await stop(start);
    for (const gone of [new URL(url).origin, `${serverUrl}/api/v1/health`]) {
      await expect(fetch(gone), `${gone} after SIGTERM`).rejects.toThrow();
    }
  } finally {
    await stop(start);
    rmSync(home, { recursive: true, force: true });
  }
});

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  await exited;
}

/** The URL start.sh announces, once JupyterLab listens. */
function labUrl(child: ChildProcess, output: string[]): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const check = (): void => {
      const match = /TSEMATIC_LAB_URL=(\S+)/.exec(output.join(""));
      if (match?.[1]) resolveUrl(match[1]);
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", (code) =>
      reject(new Error(`start.sh exited with ${code}:\n${output.join("")}`)),
    );
  });
}
