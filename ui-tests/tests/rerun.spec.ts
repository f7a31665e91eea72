/**
 * Reruns from JupyterLab, against the real lineage server the host was started with: a pipeline
 * packaged and run by `tsematic submit` (its code package is stored, so it can be rerun without
 * a kernel), then rerun from a step of its graph, and rerun with new inputs through the form
 * (prefilled with the old values; a value of the wrong shape refused in the form by the server's
 * validator, nothing created; a valid one submitted and resolved). Each new root names the run it
 * was made from.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { APIRequestContext } from "@playwright/test";

import { expect, test } from "./fixtures";
import { configuredServer, type IServer } from "./configured-server";

const REPO = resolve(__dirname, "..", "..");

/**
 * A notebook pipeline `name(xs, factor)` = total(scale(xs, factor)), packaged and run to the end
 * on the local executor by `tsematic submit --wait`, from a project of its own (package.json, a
 * lockfile, the repository's node_modules, as a project that installed tsematic has). Its root id.
 */
async function submittedPipeline(server: IServer, name: string): Promise<string> {
  // Kept until the tests end: a rerun's driver installs the project's dependencies from it again.
  const dir = mkdtempSync(join(tmpdir(), "tsematic-ui-rerun-"));
  projects.push(dir);
  writeFileSync(join(dir, "package.json"), '{"name":"p","version":"1.0.0"}');
  writeFileSync(
    join(dir, "package-lock.json"),
    '{"name":"p","lockfileVersion":3,"requires":true,"packages":{"":{"name":"p"}}}',
  );
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  const cells = [
    'import { func } from "tsematic";',
    [
      "const scale = func(async function scale(xs: number[], factor: number) {",
      "  return xs.map((x) => x * factor);",
      "});",
      "const total = func(async function total(xs: number[]) {",
      "  return xs.reduce((a, b) => a + b, 0);",
      "});",
      `const ${name} = func(async function ${name}(xs: number[], factor: number) {`,
      "  return await total(scale(xs, factor));",
      "});",
    ].join("\n"),
    `await ${name}([1, 2, 3], 2)`,
  ];
  const notebook = {
    cells: cells.map((source) => ({ cell_type: "code", metadata: {}, outputs: [], source })),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(dir, `${name}.ipynb`), JSON.stringify(notebook));
  const stdout = await new Promise<string>((done, fail) => {
    execFile(
      process.execPath,
      [
        join(REPO, "server", "lib", "cli.js"),
        "submit",
        `${name}.ipynb`,
        "--cell",
        "3",
        "--wait",
        "--json",
      ],
      {
        cwd: dir,
        env: { ...process.env, TSEMATIC_URL: server.url, TSEMATIC_TOKEN: server.token },
      },
      (error, out, err) =>
        error ? fail(new Error(`tsematic submit failed: ${err || out}`)) : done(out),
    );
  });
  const answer = JSON.parse(stdout) as { rootId: string; outcome: { run: { state: string } } };
  expect(answer.outcome.run.state).toBe("resolved");
  return answer.rootId;
}

/** The projects the tests submitted from, removed after them. */
const projects: string[] = [];

interface IRunRecord {
  run: { id: string; stepName: string; state: string };
  root?: { rerunOf: { runId: string; from: string | null } | null } | null;
  outputs: Array<{ name: string; artifact: { id: string } }>;
}

async function get<T>(request: APIRequestContext, server: IServer, path: string): Promise<T> {
  const response = await request.get(`${server.url}/api/v1${path}`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  expect(response.ok(), `GET ${path}`).toBe(true);
  return (await response.json()) as T;
}

/** The root runs of the pipeline `name`, newest first. */
async function rootsOf(
  request: APIRequestContext,
  server: IServer,
  name: string,
): Promise<string[]> {
  const page = await get<{ runs: Array<{ id: string }> }>(
    request,
    server,
    `/runs?root=true&name=${name}`,
  );
  return page.runs.map((run) => run.id);
}

/** Selects the pipeline's (only) run in the runs panel; its graph shows beneath. */
async function selectRun(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await page.sidebar.openTab("tsematic-runs");
  const panel = page.locator("#tsematic-runs");
  await panel.getByTitle("Fetch the runs from the lineage server now").click();
  await panel.getByLabel("Filter runs by pipeline name").fill(name);
  const item = panel.locator(".jp-TsematicRuns-item", { hasText: name });
  await expect(item).toHaveCount(1);
  await item.click();
}

test.describe("reruns from JupyterLab", () => {
  test.afterAll(() => {
    for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  test("Rerun from Here on a step of the graph makes a new root that resolves and names the original", async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    const server = await configuredServer(page);
    const name = "rerunHerePipeline";
    const original = await submittedPipeline(server, name);
    const totalId = (
      await get<{ runs: Array<{ id: string; stepName: string }> }>(
        request,
        server,
        `/runs/${original}/children`,
      )
    ).runs.find((run) => run.stepName === "total")!.id;

    await selectRun(page, name);
    const graph = page.locator("#tsematic-run-graph");
    await expect(graph).toHaveAttribute("data-root-id", original);
    const total = graph.locator(".jp-RunGraph-node", { hasText: "total" });
    await expect(total).toHaveClass(/jp-mod-resolved/);
    await total.click({ button: "right" });
    // On a step: from here, not from scratch (that one is on the root).
    const menu = page.locator(".lm-Menu-item:visible");
    await expect(menu.filter({ hasText: "Rerun from Here" })).toHaveCount(1);
    await expect(menu.filter({ hasText: "Rerun from Scratch" })).toHaveCount(0);
    await page.locator(".lm-Menu-item", { hasText: "Rerun from Here" }).click();

    // The new root is selected and its graph shown, live, until it resolves.
    await expect.poll(() => rootsOf(request, server, name), { timeout: 30_000 }).toHaveLength(2);
    const [rerun] = await rootsOf(request, server, name);
    expect(rerun).not.toBe(original);
    await expect(graph).toHaveAttribute("data-root-id", rerun!);
    await expect(
      page.locator("#tsematic-runs .jp-TsematicRuns-item[aria-selected=true]", { hasText: name }),
    ).toHaveCount(1);
    await expect(graph.locator(".jp-RunGraph-node", { hasText: "total" })).toHaveClass(
      /jp-mod-resolved/,
      { timeout: 90_000 },
    );
    const record = await get<IRunRecord>(request, server, `/runs/${rerun}`);
    expect(record.run.state).toBe("resolved");
    expect(record.root?.rerunOf).toEqual({ runId: original, from: totalId });

    // The new root's panel names the run it was made from, with a link to it.
    // Its box's label (the box itself is under its children's boxes).
    await graph.locator(`[data-run-id="${rerun}"] text`).first().click();
    const line = page.locator(".jp-TsematicStep-rerunOf");
    await expect(line).toContainText(`Rerun of ${original.slice(0, 12)}`);
    await line.locator(`a[data-run-id="${original}"]`).click();
    await expect(page.locator(`.jp-TsematicStep[data-run-id="${original}"]`)).toBeVisible();
  });

  test("Rerun with New Inputs: the form is prefilled, a value of the wrong shape is refused in the form, a valid one resolves", async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    const server = await configuredServer(page);
    const name = "rerunInputsPipeline";
    const original = await submittedPipeline(server, name);

    await selectRun(page, name);
    await page
      .locator("#tsematic-runs .jp-TsematicRuns-item", { hasText: name })
      .click({ button: "right" });
    await page.locator(".lm-Menu-item", { hasText: "Rerun with New Inputs…" }).click();

    const form = page.locator(".jp-TsematicRerunForm");
    const field = (parameter: string) =>
      form.locator(`.jp-TsematicRerunForm-field[data-parameter="${parameter}"]`);
    await expect(field("xs").locator("textarea")).toHaveValue("[\n  1,\n  2,\n  3\n]");
    await expect(field("factor").locator("textarea")).toHaveValue("2");

    // Not JSON: the form says so itself.
    await field("factor").locator("textarea").fill("2,");
    await form.getByRole("button", { name: "Rerun" }).click();
    await expect(field("factor").getByRole("alert")).toContainText("not JSON");
    // JSON of another shape: the server's validator refuses it (dryRun), shown under the input.
    await field("factor").locator("textarea").fill('"fast"');
    await form.getByRole("button", { name: "Rerun" }).click();
    await expect(field("factor").getByRole("alert")).toHaveText(
      "inputs.factor: expected number, got string",
    );
    expect(await rootsOf(request, server, name)).toEqual([original]);

    await field("factor").locator("textarea").fill("3");
    await expect(field("factor").getByRole("alert")).toBeHidden();
    await form.getByRole("button", { name: "Rerun" }).click();
    await expect(form).toHaveCount(0);
    await expect.poll(() => rootsOf(request, server, name), { timeout: 30_000 }).toHaveLength(2);
    const [rerun] = await rootsOf(request, server, name);
    const graph = page.locator("#tsematic-run-graph");
    await expect(graph).toHaveAttribute("data-root-id", rerun!);
    await expect
      .poll(async () => (await get<IRunRecord>(request, server, `/runs/${rerun}`)).run.state, {
        timeout: 90_000,
      })
      .toBe("resolved");
    const record = await get<IRunRecord>(request, server, `/runs/${rerun}`);
    expect(record.root?.rerunOf).toEqual({ runId: original, from: null });
    // The new input flowed through: (1 + 2 + 3) × 3.
    const output = record.outputs[0]!.artifact.id;
    const value = await request.get(`${server.url}/api/v1/artifacts/${output}/value`, {
      headers: { Authorization: `Bearer ${server.token}` },
    });
    expect(await value.text()).toBe("18");
  });
});
