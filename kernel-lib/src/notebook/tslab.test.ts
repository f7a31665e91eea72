/**
 * The tslab bridge, outside a kernel (nothing happens, tslab is not loaded) and inside a simulated
 * one (tslab's `dist/jupyter` module in the require cache with a display writer).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { func } from "../step";
import { RUN_VIEW_MIME_TYPE, type RunViewBundle } from "./bundle";
import { installNotebookView } from "./index";
import { inTslabKernel, newBundleDisplay } from "./tslab";

/** tslab is an optional peer of the library but a dev dependency of this repository: always here. */
function tslabJupyterPath(): string {
  return require.resolve("tslab/dist/jupyter");
}

interface Written {
  data: Record<string, unknown>;
  transient: { display_id?: string };
  update: boolean;
}

/** Puts a fake `tslab/dist/jupyter` into the require cache for the duration of `body`. */
async function inFakeKernel(body: (written: Written[]) => Promise<void>): Promise<void> {
  const file = tslabJupyterPath();
  const written: Written[] = [];
  const previous = require.cache[file];
  require.cache[file] = {
    exports: {
      lastWriteDisplayData: (msg: Omit<Written, "update">, update: boolean) =>
        written.push({ ...msg, update }),
    },
  } as unknown as NodeJS.Module;
  try {
    await body(written);
  } finally {
    if (previous) require.cache[file] = previous;
    else delete require.cache[file];
  }
}

test("outside a tslab kernel there is no run view and tslab is not loaded", () => {
  assert.equal(inTslabKernel(), false);
  assert.equal(newBundleDisplay(), undefined);
  assert.equal(installNotebookView(), undefined);
  const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/]tslab[\\/]/.test(f));
  assert.deepEqual(loaded, []);
});

test("in a tslab kernel, a root run shows one display updated in place with the bundle and text", async () => {
  await inFakeKernel(async (written) => {
    assert.equal(inTslabKernel(), true);
    const uninstall = installNotebookView();
    assert.ok(uninstall);
    try {
      const add = func(function add(a: number, b: number) {
        return a + b;
      });
      assert.equal(await add(1, 2).resolve({ tracking: false }), 3);
    } finally {
      uninstall();
    }
    assert.ok(written.length >= 2);
    const ids = new Set(written.map((w) => w.transient.display_id));
    assert.equal(ids.size, 1, "one display, updated in place");
    assert.deepEqual(
      written.map((w) => w.update),
      [false, ...written.slice(1).map(() => true)],
    );
    const last = written.at(-1)!;
    const bundle = last.data[RUN_VIEW_MIME_TYPE] as RunViewBundle;
    assert.equal(bundle.final, true);
    assert.equal(bundle.stepName, "add");
    assert.match(String(last.data["text/plain"]), /tsematic ✔ add: resolved/);
    // Uninstalled: the next run shows nothing.
    const count = written.length;
    const one = func(function one() {
      return 1;
    });
    await one().resolve({ tracking: false });
    assert.equal(written.length, count);
  });
});
