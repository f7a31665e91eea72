import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { captureEnvironment, notebookPath } from "./environment";

function withEnv<T>(vars: Record<string, string | undefined>, body: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(vars);
  try {
    return body();
  } finally {
    set(saved);
  }
}

test("a run started in a Jupyter kernel records the notebook named by JPY_SESSION_NAME", () => {
  const env = withEnv(
    { JPY_SESSION_NAME: "/home/me/project/analysis.ipynb", TSEMATIC_NOTEBOOK_PATH: undefined },
    () => captureEnvironment(),
  );
  assert.equal(env.notebookPath, "/home/me/project/analysis.ipynb");
});

test("JPY_SESSION_NAME comes before TSEMATIC_NOTEBOOK_PATH, which harnesses without Jupyter set", () => {
  assert.equal(
    notebookPath({ JPY_SESSION_NAME: "/a/lab.ipynb", TSEMATIC_NOTEBOOK_PATH: "tutorials/x.ipynb" }),
    "/a/lab.ipynb",
  );
  assert.equal(notebookPath({ TSEMATIC_NOTEBOOK_PATH: "tutorials/x.ipynb" }), "tutorials/x.ipynb");
  assert.equal(notebookPath({ JPY_SESSION_NAME: "" }), undefined);
  assert.equal(notebookPath({}), undefined);
});

test("what the caller passes wins over the kernel's notebook path", () => {
  const env = withEnv({ JPY_SESSION_NAME: "/a/lab.ipynb" }, () =>
    captureEnvironment({ notebookPath: "given.ipynb" }),
  );
  assert.equal(env.notebookPath, "given.ipynb");
});

test("a notebook renamed after its kernel started is recorded under its new name (TSEMATIC_NOTEBOOK_FILE)", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tsematic-notebook-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "tsematic-notebook-session.txt");
  writeFileSync(file, "/work/Untitled.ipynb");
  const env = { TSEMATIC_NOTEBOOK_FILE: file, JPY_SESSION_NAME: "/work/Untitled.ipynb" };
  assert.equal(notebookPath(env), "/work/Untitled.ipynb");
  // The lab host rewrites the file when JupyterLab renames the session.
  writeFileSync(file, "/work/analysis.ipynb\n");
  assert.equal(notebookPath(env), "/work/analysis.ipynb");
  // A file the host removed: what the kernel was started with.
  rmSync(file);
  assert.equal(notebookPath(env), "/work/Untitled.ipynb");
});
