/**
 * The JupyterLab extension installs as users install extensions: `npm run build:wheel` makes a Python
 * wheel, `pip install` puts it into the environment that runs JupyterLab (here a fresh venv over Debian's
 * Jupyter packages, outside this repository), and Jupyter's server, started from that environment and told
 * nothing about this checkout's build, finds and serves it.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { run, start, type Started, waitFor } from "./install-processes";

const REPO = path.resolve(__dirname, "..", "..");
const NAME = "tsematic-jupyterlab";

interface FederatedExtension {
  name: string;
  load: string;
}

describe("the pip-installed wheel", { timeout: 900_000 }, () => {
  let scratch = "";
  let venv = "";
  let wheel = "";
  let lab: Started | undefined;
  let labUrl = "";
  const token = randomBytes(16).toString("hex");

  before(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), "tsematic-wheel-"));
    const dist = path.join(scratch, "dist");
    const built = await run("bash", ["scripts/build-wheel.sh", "--outdir", dist], { cwd: REPO });
    wheel = built.stdout.trim().split("\n").pop()!;
    venv = path.join(scratch, "venv");
    // --system-site-packages: Debian's jupyter_server and jupyterlab_server, as there is no PyPI here.
    await run("/usr/bin/python3", ["-m", "venv", "--system-site-packages", venv], { cwd: scratch });
    await run(path.join(venv, "bin", "pip"), ["install", "--no-index", wheel], { cwd: scratch });
    // The JupyterLab front-end itself (there is no `jupyterlab` package in Debian): this repository's host.
    if (!existsSync(path.join(REPO, "lab", "build", "static", "bundle.js"))) {
      await run("npm", ["run", "build:host", "-w", "lab"], { cwd: REPO });
    }
  });

  after(async () => {
    await lab?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("puts the built extension under <env>/share/jupyter/labextensions/<package name>", () => {
    assert.match(path.basename(wheel), /^tsematic_jupyterlab-[\w.]+-py3-none-any\.whl$/);
    const installed = path.join(venv, "share", "jupyter", "labextensions", NAME);
    const built = path.join(REPO, "tsematic_labextension");
    assert.deepEqual(
      readdirSync(path.join(installed, "static")).sort(),
      readdirSync(path.join(built, "static")).sort(),
    );
    assert.equal(
      readFileSync(path.join(installed, "package.json"), "utf8"),
      readFileSync(path.join(built, "package.json"), "utf8"),
    );
    const install = JSON.parse(
      readFileSync(path.join(installed, "install.json"), "utf8"),
    ) as Record<string, string>;
    assert.equal(install.packageManager, "python");
    assert.equal(install.packageName, NAME);
  });

  it("is found and served by Jupyter's server started from that environment", async () => {
    // Only the venv may hold the extension: a copy in the machine's Jupyter path would hide a broken wheel.
    for (const dir of [
      "/usr/local/share/jupyter/labextensions",
      "/usr/share/jupyter/labextensions",
    ]) {
      assert.ok(
        !existsSync(path.join(dir, NAME)),
        `${dir}/${NAME} exists: remove it, this test needs a clean machine path`,
      );
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      JUPYTER_DATA_DIR: path.join(scratch, "user-data"),
    };
    delete env.JUPYTER_PATH;
    lab = start(
      path.join(venv, "bin", "python"),
      [
        path.join(REPO, "lab", "serve.py"),
        "--installed",
        "--port",
        "0",
        "--token",
        token,
        "--exit-with-parent",
        "--root-dir",
        scratch,
      ],
      { cwd: scratch, env },
    );
    labUrl = (
      await waitFor(lab, /^TSEMATIC_LAB_URL=(http:\/\/127\.0\.0\.1:\d+)\//m, "serve.py --installed")
    )[1]!;

    const page = await fetch(`${labUrl}/lab?token=${token}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const config =
      /<script id="jupyter-config-data" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(config, "the lab page has no jupyter-config-data");
    const federated = (JSON.parse(config[1]!) as { federated_extensions: FederatedExtension[] })
      .federated_extensions;
    const ours = federated.find((e) => e.name === NAME);
    assert.ok(ours, `${NAME} is not among the page's extensions: ${JSON.stringify(federated)}`);

    const entry = await fetch(`${labUrl}/lab/extensions/${NAME}/${ours.load}?token=${token}`);
    assert.equal(entry.status, 200);
    assert.match(await entry.text(), new RegExp(NAME));
    const settings = await fetch(`${labUrl}/lab/api/settings/${NAME}:plugin?token=${token}`);
    assert.equal(settings.status, 200);
  });

  it("answers only with the token", async () => {
    assert.ok(labUrl, "the server did not start (see the test before)");
    const anonymous = await fetch(`${labUrl}/lab/api/settings/${NAME}:plugin`, {
      redirect: "manual",
    });
    assert.equal(anonymous.status, 403);
  });
});
