import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { npmProject } from "../test-support/cloud-project";
import { nodeChild } from "../test-support/node-child";
import {
  buildPackage,
  decodeArchive,
  extractPackage,
  PackagingError,
  PROGRAM_EXPORT,
} from "./index";

const REPO = join(__dirname, "..", "..", "..");
const TUTORIAL = join(REPO, "tutorials", "01-first-pipeline.ipynb");

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A project folder with package.json and package-lock.json, as `npm install` leaves it. */
function project(): string {
  const dir = npmProject("package");
  dirs.push(dir);
  return dir;
}

type Cell = string | { source: string; tags?: string[]; markdown?: boolean; count?: number };

/** Writes a notebook; code cells get outputs and execution counts like a notebook that ran. */
function notebook(dir: string, cells: Cell[], name = "nb.ipynb"): string {
  const json = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: cells.map((c, i) => {
      const cell = typeof c === "string" ? { source: c } : c;
      if (cell.markdown) return { cell_type: "markdown", metadata: {}, source: cell.source };
      return {
        cell_type: "code",
        metadata: cell.tags ? { tags: cell.tags } : {},
        execution_count: cell.count ?? i + 1,
        outputs: [{ output_type: "stream", name: "stdout", text: `ran at ${cell.count ?? i}` }],
        source: cell.source,
      };
    }),
  };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

const IMPORTS = 'import { func } from "tsematic";';
const SQUARE = "const square = func(function square(x: number): number {\n  return x * x;\n});";

describe("code packages of notebooks", () => {
  it("gives the same id to the same notebook twice, even after it ran again", async () => {
    const dir = project();
    const cells: Cell[] = [IMPORTS, SQUARE, "await square(3);"];
    const first = await buildPackage(notebook(dir, cells));
    const again = await buildPackage(
      notebook(
        dir,
        cells.map((c) => ({ source: c as string, count: 40 })),
      ),
    );
    assert.equal(again.id, first.id);
    assert.deepEqual(again.bytes, first.bytes);
    assert.match(first.id, /^[0-9a-f]{64}$/);
  });

  it("gives another id when a cell changes", async () => {
    const dir = project();
    const before = await buildPackage(notebook(dir, [IMPORTS, SQUARE]));
    const after = await buildPackage(
      notebook(dir, [IMPORTS, SQUARE.replace("x * x", "x * x * 1")]),
    );
    assert.notEqual(after.id, before.id);
  });

  it("refuses a declaration that needs a top-level await's value, naming the cell and the name", async () => {
    const dir = project();
    const path = notebook(dir, [
      { source: "# data", markdown: true },
      IMPORTS,
      "const rows = await Promise.resolve([1, 2, 3]);",
      "const count = func(function count() {\n  return rows.length;\n});",
    ]);
    await assert.rejects(buildPackage(path), (err: Error) => {
      assert.ok(err instanceof PackagingError);
      assert.match(err.message, /cell 4: the step "count" uses `rows`/);
      assert.match(err.message, /does work at the top level \(cell 3, line 1: const rows = await/);
      return true;
    });
  });

  it("leaves out a cell tagged tsematic-skip", async () => {
    const dir = project();
    const pkg = await buildPackage(
      notebook(dir, [
        IMPORTS,
        SQUARE,
        {
          source: "const scratch = func(function scratch() { return 1; });",
          tags: ["tsematic-skip"],
        },
      ]),
    );
    const module = decodeArchive(pkg.bytes).files["notebook/module.ts"]!;
    assert.ok(!module.includes("scratch"), module);
    assert.deepEqual(
      pkg.manifest.steps.map((s) => s.name),
      ["square"],
    );
    const entry = pkg.manifest.entry;
    assert.equal(entry.kind, "notebook");
    if (entry.kind === "notebook") {
      assert.deepEqual(entry.cells[2], {
        cell: 3,
        kept: [],
        leftOut: ["cell 3 is tagged tsematic-skip"],
      });
    }
  });

  it("refuses two steps with the same name", async () => {
    const dir = project();
    const path = notebook(dir, [
      IMPORTS,
      SQUARE,
      "const square2 = func(function square(x: number) { return x ** 2; });",
    ]);
    await assert.rejects(
      buildPackage(path),
      /two steps are named "square" \(cell 2, line 1: square; cell 3, line 1: square2\)/,
    );
  });

  it("takes a name declared in two cells from the later cell, once", async () => {
    const dir = project();
    const pkg = await buildPackage(
      notebook(dir, [
        IMPORTS,
        SQUARE,
        `${IMPORTS}\nconst square = func(function square(x: number) { return x * x * 1; });`,
      ]),
    );
    const module = decodeArchive(pkg.bytes).files["notebook/module.ts"]!;
    assert.equal(module.match(/const square/g)?.length, 1);
    assert.match(module, /x \* x \* 1/);
    assert.equal(module.match(/import \{ func \}/g)?.length, 1);
    assert.deepEqual(
      pkg.manifest.steps.map((s) => s.name),
      ["square"],
    );
  });

  it("keeps constants that do no work, and errs on code that needs a value left out", async () => {
    const dir = project();
    const pkg = await buildPackage(
      notebook(dir, [
        'import * as t from "tsematic";',
        "const RATES = [0.1, 0.01];\nconst options = { retry: 2, rates: RATES };\nlet runs = 0;",
        "function pick(x: string): string;\nfunction pick(x: number): number;\nfunction pick(x: unknown) { return x; }",
        "const train = t.func({ retry: 2 }, function train() { runs++; return pick(options.rates.length); });",
        "export const exported = 1;",
      ]),
    );
    assert.deepEqual(pkg.manifest.exports, [
      "RATES",
      "exported",
      "options",
      "pick",
      "runs",
      "train",
    ]);
    assert.deepEqual(
      pkg.manifest.steps.map((s) => s.name),
      ["train"],
    );
    const dependsOnWork = notebook(dir, [
      IMPORTS,
      "const loaded = JSON.parse('[1]');\nconst config = { loaded };",
      "class Model { size = config.loaded.length; }",
    ]);
    await assert.rejects(
      buildPackage(dependsOnWork),
      /cell 3: `Model` uses `config`, which is left out of the package because it is a value \(cell 2, line 2\) that uses `loaded`, which is left out because it is set by a statement that does work at the top level \(cell 2, line 1: const loaded = JSON\.parse/,
    );
    await assert.rejects(
      buildPackage(notebook(dir, [IMPORTS, "const anonymous = func((x: number) => x);"])),
      /cell 2, line 1: the step anonymous has no name/,
    );
  });

  it("packages the cells up to --cell N, and later cells do not change the id", async () => {
    const dir = project();
    const a = await buildPackage(notebook(dir, [IMPORTS, SQUARE, "square(1);"]), { upToCell: 2 });
    const b = await buildPackage(notebook(dir, [IMPORTS, SQUARE, "square(2);"]), { upToCell: 2 });
    assert.equal(a.id, b.id);
    await assert.rejects(
      buildPackage(notebook(dir, [IMPORTS]), { upToCell: 5 }),
      /--cell 5 is not a cell of nb\.ipynb: it has 1 cells/,
    );
  });

  it("program mode keeps the submitted cell's work as the program, and still leaves out other cells' work", async () => {
    const dir = project();
    const cells: Cell[] = [
      IMPORTS,
      SQUARE,
      'console.log("other cell");',
      { source: "# run it", markdown: true },
      "const n = 3;\nconst r = await square(n).resolve({ tracking: false });\nconst label = `square: ${r}`;\nconsole.log(label);",
      "await square(4);",
    ];
    const pkg = await buildPackage(notebook(dir, cells), { upToCell: 5, program: true });
    const entry = pkg.manifest.entry;
    assert.equal(entry.kind, "notebook");
    if (entry.kind !== "notebook") return;
    assert.equal(entry.program, "program.js");
    assert.equal(entry.programCell, 5);
    assert.equal(entry.upToCell, 5);
    assert.deepEqual(
      entry.cells.find((c) => c.cell === 5),
      {
        cell: 5,
        kept: ["n"],
        leftOut: [],
        program: [
          "line 2: const r = await square(n).resolve({ tracking: false });",
          "line 3: const label = `square: ${r}`;",
          "line 4: console.log(label);",
        ],
      },
    );
    const module = decodeArchive(pkg.bytes).files["notebook/module.ts"]!;
    assert.ok(!module.includes("other cell"), module);
    assert.ok(!module.includes("square(4)"), module);
    assert.ok(pkg.manifest.exports.includes(PROGRAM_EXPORT));
    // The same notebook twice: the same id; a package of declarations only is another package.
    assert.equal(
      (await buildPackage(notebook(dir, cells), { upToCell: 5, program: true })).id,
      pkg.id,
    );
    const declarations = await buildPackage(notebook(dir, cells), { upToCell: 5 });
    assert.notEqual(declarations.id, pkg.id);
    assert.equal((declarations.manifest.entry as { program?: string }).program, undefined);

    // Requiring the bundle runs no work; loading the program file runs cell 5's statements.
    const { bundlePath } = extractPackage(pkg.bytes, join(dir, "extracted"));
    const { done } = nodeChild(
      `const m = require(${JSON.stringify(bundlePath)});
       console.log("required", typeof m[${JSON.stringify(PROGRAM_EXPORT)}]);
       require(${JSON.stringify(join(dir, "extracted", "program.js"))});
       process.on("beforeExit", () => console.log("done", process.exitCode ?? 0));`,
      { NODE_PATH: join(REPO, "node_modules") },
    );
    const { code, output } = await done;
    assert.equal(code, 0, output);
    assert.deepEqual(output.trim().split("\n"), ["required function", "square: 9", "done 0"]);
  });

  it("program mode refuses a program that needs another cell's work, naming the cell and the name", async () => {
    const dir = project();
    const path = notebook(dir, [
      IMPORTS,
      SQUARE,
      "const base = await Promise.resolve(3);",
      "await square(base);",
    ]);
    await assert.rejects(buildPackage(path, { upToCell: 4, program: true }), (err: Error) => {
      assert.ok(err instanceof PackagingError);
      assert.match(
        err.message,
        /cell 4, line 1: the program \(`await square\(base\);`\) uses `base`, which is left out of the package because it is set by a statement that does work at the top level \(cell 3, line 1/,
      );
      return true;
    });
    await assert.rejects(
      buildPackage(path, { upToCell: 2, program: true }),
      /cell 2 has no statement that does work, so there is no program to run/,
    );
    const skipped = notebook(dir, [
      IMPORTS,
      SQUARE,
      { source: "await square(2);", tags: ["tsematic-skip"] },
    ]);
    await assert.rejects(
      buildPackage(skipped, { upToCell: 3, program: true }),
      /cell 3 of nb\.ipynb is tagged tsematic-skip, so it cannot be the program/,
    );
    await assert.rejects(
      buildPackage(path, { program: true }),
      /a program of nb\.ipynb needs --cell N/,
    );
  });

  it("maps an error of the program to its cell and line", async () => {
    const dir = project();
    const pkg = await buildPackage(
      notebook(dir, [IMPORTS, SQUARE, 'const n = 2;\nif (n > 1) throw new Error("from cell 3");']),
      { upToCell: 3, program: true },
    );
    extractPackage(pkg.bytes, join(dir, "extracted"));
    const { done } = nodeChild(
      `require(${JSON.stringify(join(dir, "extracted", "program.js"))});`,
      {
        NODE_PATH: join(REPO, "node_modules"),
        NODE_OPTIONS: "--enable-source-maps",
      },
    );
    const { output } = await done;
    assert.match(
      output,
      /Error: from cell 3\n\s+at Object\.__tsematicProgram \(.*nb\.ipynb\.cell-3\.ts:2:18\)/,
    );
  });

  it("records the resources, remote, timeoutMs and retry options a step declares as literals", async () => {
    const dir = project();
    const pkg = await buildPackage(
      notebook(dir, [
        IMPORTS,
        "const BIG = { cpus: 2, memoryMiB: 512 };",
        "const train = func({ resources: { ...BIG, gpus: 1 }, retry: 1 }, function train() { return 1; });",
        "const fetchIt = func({ remote: true, timeoutMs: 5000 }, function fetchIt() { return 2; });",
        SQUARE,
      ]),
    );
    assert.deepEqual(pkg.manifest.steps, [
      {
        name: "fetchIt",
        sourceHash: pkg.manifest.steps[0]!.sourceHash,
        remote: true,
        timeoutMs: 5000,
      },
      { name: "square", sourceHash: pkg.manifest.steps[1]!.sourceHash },
      {
        name: "train",
        sourceHash: pkg.manifest.steps[2]!.sourceHash,
        resources: { cpus: 2, memoryMiB: 512, gpus: 1 },
        attempts: 1,
      },
    ]);
    writeFileSync(
      join(dir, "main.ts"),
      `${IMPORTS}\nconst cpus = Number(process.env.CPUS ?? 1);\nexport const a = func({ resources: { cpus: 1 } }, function a() { return 1; });\nexport const b = func({ resources: { cpus } }, function b() { return 2; });\n`,
    );
    const script = await buildPackage(join(dir, "main.ts"));
    assert.deepEqual(
      script.manifest.steps.map((s) => [s.name, s.resources]),
      [
        ["a", { cpus: 1 }],
        ["b", undefined],
      ],
    );
  });

  it("makes a module that a new Node process loads and whose step runs", async () => {
    const dir = project();
    const pkg = await buildPackage(TUTORIAL);
    const { bundlePath } = extractPackage(pkg.bytes, join(dir, "extracted"));
    const { done } = nodeChild(
      `const m = require(${JSON.stringify(bundlePath)});
       (async () => {
         const report = await m.pipeline(4, 20).resolve({ tracking: false });
         const hashes = Object.fromEntries(["square", "pipeline"].map((n) => [n, m[n].spec.sourceHash]));
         console.log(JSON.stringify({ report, hashes }));
       })().catch((e) => { console.error(e); process.exit(1); });`,
      { NODE_PATH: join(REPO, "node_modules") },
    );
    const { code, output } = await done;
    assert.equal(code, 0, output);
    const result = JSON.parse(output) as { report: string; hashes: Record<string, string> };
    assert.equal(result.report, "big total: 30");
    for (const name of ["square", "pipeline"]) {
      const step = pkg.manifest.steps.find((s) => s.name === name);
      assert.equal(result.hashes[name], step?.sourceHash, `the manifest's hash of ${name}`);
    }
  });

  it("names the cell and line of a syntax error, or of an import that cannot be found", async () => {
    const dir = project();
    await assert.rejects(
      buildPackage(notebook(dir, [IMPORTS, "const s = func(function s() { return 1;"])),
      /cell 2, line 1: '}' expected/,
    );
    const skipped = notebook(dir, [
      IMPORTS,
      { source: "this is ( not code", tags: ["tsematic-skip"] },
    ]);
    assert.match((await buildPackage(skipped)).id, /^[0-9a-f]{64}$/, "a skipped cell is not read");
    await assert.rejects(
      buildPackage(
        notebook(dir, [
          IMPORTS,
          "",
          'import { gone } from "./gone";\nconst g = func(function g() { return gone; });',
        ]),
      ),
      /cell 3, line 1: Could not resolve "\.\/gone"/,
    );
  });

  it("maps a packaged step's stack trace to its cell and line", async () => {
    const dir = project();
    const pkg = await buildPackage(
      notebook(dir, [
        IMPORTS,
        'const fail = func(function fail() {\n  throw new Error("from cell 2");\n});',
      ]),
    );
    const { bundlePath } = extractPackage(pkg.bytes, join(dir, "extracted"));
    const { done } = nodeChild(
      `require(${JSON.stringify(bundlePath)}).fail().resolve({ tracking: false })
         .catch((e) => console.log((e.cause ?? e).stack));`,
      { NODE_PATH: join(REPO, "node_modules"), NODE_OPTIONS: "--enable-source-maps" },
    );
    const { code, output } = await done;
    assert.equal(code, 0, output);
    assert.match(output, /at fail \(.*nb\.ipynb\.cell-2\.ts:2:9\)/);
  });

  it("packages tutorial 01 with its six steps and without its work", async () => {
    const pkg = await buildPackage(TUTORIAL);
    assert.deepEqual(
      pkg.manifest.steps.map((s) => s.name),
      ["bigReport", "makeNumbers", "pipeline", "smallReport", "square", "sum"],
    );
    const module = decodeArchive(pkg.bytes).files["notebook/module.ts"]!;
    assert.ok(!module.includes("await pipeline(4, 20)"));
    assert.ok(!pkg.bytes.toString().includes(REPO), "no absolute path in the archive");
    assert.equal((await buildPackage(TUTORIAL)).id, pkg.id);
  });
});

describe("loading the packager", () => {
  it("importing tsematic loads neither esbuild nor typescript", async () => {
    const { done } = nodeChild(
      `require(${JSON.stringify(join(__dirname, "index.js"))});
       console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules.(esbuild|typescript)./.test(k))));`,
      {},
    );
    const { code, output } = await done;
    assert.equal(code, 0, output);
    assert.deepEqual(JSON.parse(output), []);
  });
});

describe("extracting a package", () => {
  it("refuses a damaged archive and writes nothing", async () => {
    const dir = project();
    const pkg = await buildPackage(notebook(dir, [IMPORTS, SQUARE]));
    const archive = JSON.parse(pkg.bytes.toString()) as { files: Record<string, string> };
    archive.files["bundle.js"] += "\nprocess.exit(3);";
    const out = join(dir, "damaged");
    assert.throws(
      () => extractPackage(Buffer.from(JSON.stringify(archive)), out),
      /bundle\.js does not match its manifest entry/,
    );
    assert.throws(() => readFileSync(join(out, "bundle.js.map")), /ENOENT/);
  });
});

describe("code packages of scripts", () => {
  it("bundles the entry with its local imports, the same bytes twice, without absolute paths", async () => {
    const dir = project();
    mkdirSync(join(dir, "src"));
    writeFileSync(
      join(dir, "src", "helper.ts"),
      "export function twice(x: number) { return 2 * x; }\n",
    );
    writeFileSync(
      join(dir, "main.ts"),
      `${IMPORTS}\nimport { twice } from "./src/helper";\nexport const double = func(function double(x: number) { return twice(x); });\nconsole.log("work");\n`,
    );
    const pkg = await buildPackage(join(dir, "main.ts"));
    const again = await buildPackage(join(dir, "main.ts"));
    assert.equal(again.id, pkg.id);
    const archive = decodeArchive(pkg.bytes);
    assert.deepEqual(Object.keys(archive.files).sort(), [
      "bundle.js",
      "bundle.js.map",
      "dependencies/package-lock.json",
      "dependencies/package.json",
      "sources/main.ts",
      "sources/src/helper.ts",
    ]);
    assert.match(archive.files["bundle.js"]!, /require\("tsematic"\)/);
    assert.deepEqual(
      pkg.manifest.steps.map((s) => s.name),
      ["double"],
    );
    assert.ok(!pkg.bytes.toString().includes(dir), "no absolute path in the archive");
    assert.deepEqual(pkg.manifest.entry, { kind: "script", path: "main.ts" });
    assert.deepEqual(pkg.manifest.exports, ["double"]);
  });

  it("gives another id when the lockfile changes", async () => {
    const dir = project();
    writeFileSync(
      join(dir, "main.ts"),
      `${IMPORTS}\nexport const one = func(function one() { return 1; });\n`,
    );
    const before = await buildPackage(join(dir, "main.ts"));
    const lock = JSON.parse(readFileSync(join(dir, "package-lock.json"), "utf8")) as {
      version?: string;
    };
    writeFileSync(join(dir, "package-lock.json"), JSON.stringify({ ...lock, version: "1.0.1" }));
    const after = await buildPackage(join(dir, "main.ts"));
    assert.notEqual(after.id, before.id);
    assert.notEqual(after.dependencyKey, before.dependencyKey);
  });

  it("says how to make a lockfile when the project has none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tsematic-nolock-"));
    dirs.push(dir);
    writeFileSync(join(dir, "main.ts"), "export const x = 1;\n");
    await assert.rejects(
      buildPackage(join(dir, "main.ts")),
      /no package-lock\.json in any folder above .*run `npm install`/,
    );
  });
});
