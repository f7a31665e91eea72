import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CLI, startTestServer, type TestServer } from "../testing/harness";

const REPO = join(__dirname, "..", "..", "..");
const TUTORIAL = join(REPO, "tutorials", "01-first-pipeline.ipynb");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const tsematic = (args: string[], env: Record<string, string> = {}): Promise<Result> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? "", ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

describe("tsematic package", () => {
  let t: TestServer;
  const dirs: string[] = [];
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("prints what is in a notebook's package and its id", async () => {
    const { code, stdout, stderr } = await tsematic(["package", TUTORIAL]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^package [0-9a-f]{64}\n/);
    assert.match(stdout, /entry {3}notebook tutorials\/01-first-pipeline\.ipynb\n/);
    assert.match(stdout, /steps {3}bigReport, makeNumbers, pipeline, smallReport, square, sum\n/);
    assert.match(stdout, /cell 6: keeps nothing; leaves out 5 statements/);
    assert.match(stdout, /bundle\.js /);
  });

  it("uploads the package: the server stores it under the id the command printed", async () => {
    const env = { TSEMATIC_URL: t.server.url, TSEMATIC_TOKEN: t.server.token };
    const first = await tsematic(["package", TUTORIAL, "--cell", "8", "--upload", "--json"], env);
    assert.equal(first.code, 0, first.stderr);
    const printed = JSON.parse(first.stdout) as {
      id: string;
      size: number;
      uploaded: { created: boolean };
      manifest: { entry: { upToCell: number } };
    };
    assert.equal(printed.uploaded.created, true);
    assert.equal(printed.manifest.entry.upToCell, 8);
    const stored = await t.api.get<{ entry: { path: string } }>(`/packages/${printed.id}/manifest`);
    assert.equal(stored.status, 200);
    assert.equal(stored.body.entry.path, "tutorials/01-first-pipeline.ipynb");
    const again = await tsematic(["package", TUTORIAL, "--cell", "8", "--upload"], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`^package ${printed.id}\n`));
    assert.match(again.stdout, /uploaded .*\(already stored\)/);
  });

  it("says which cell and name make a notebook unpackageable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsematic-cli-package-"));
    dirs.push(dir);
    writeFileSync(join(dir, "package.json"), '{"name":"p"}');
    writeFileSync(join(dir, "package-lock.json"), '{"name":"p","lockfileVersion":3}');
    const cell = (source: string) => ({ cell_type: "code", metadata: {}, outputs: [], source });
    writeFileSync(
      join(dir, "nb.ipynb"),
      JSON.stringify({
        cells: [
          cell('import { func } from "tsematic";'),
          cell("const n = await Promise.resolve(3);"),
          cell("const f = func(function f() { return n; });"),
        ],
      }),
    );
    // The packager is found from the CLI's own installation when the project has no tsematic.
    const { code, stderr } = await tsematic(["package", join(dir, "nb.ipynb")]);
    assert.equal(code, 1);
    assert.match(stderr, /cell 3: the step "f" uses `n`/);
    const usage = await tsematic(["package", join(dir, "nb.ipynb"), "--cell", "x"]);
    assert.equal(usage.code, 2);
  });
});
