/**
 * `tsematic package <script.ts | notebook.ipynb> [--cell N] [--upload] [--json]`: makes the code
 * package of a script or notebook, prints what is in it and its id, and with `--upload` stores it on
 * the server (`POST /api/v1/packages`).
 *
 * The packager lives in the `tsematic` library (`tsematic/lib/package`, which loads esbuild and
 * TypeScript); it is loaded from the packaged file's project first, so the project's own version
 * makes its packages.
 */
import { dirname, resolve } from "node:path";
import { ApiClient } from "./client";
import { CliError } from "./errors";
import { bytes } from "./format";
import type { Parsed } from "./main";

/** The part of `tsematic/lib/package` this command uses (typed here: the server builds first). */
interface Packager {
  buildPackage(path: string, options: { upToCell?: number | null }): Promise<BuiltPackage>;
}

interface BuiltPackage {
  id: string;
  bytes: Buffer;
  dependencyKey: string;
  manifest: {
    entry: {
      kind: "script" | "notebook";
      path: string;
      upToCell?: number | null;
      cells?: { cell: number; kept: string[]; leftOut: string[] }[];
    };
    steps: { name: string; sourceHash: string }[];
    exports: string[];
    files: { path: string; sha256: string; size: number }[];
    dependencies: { lockfileSha256: string };
    tools: { esbuild: string };
  };
}

async function loadPackager(file: string): Promise<Packager> {
  let path: string;
  try {
    path = require.resolve("tsematic/lib/package", { paths: [dirname(file), __dirname] });
  } catch {
    throw new CliError(
      "`tsematic package` needs the tsematic library in the project: run `npm install tsematic` there",
    );
  }
  return (await import(path)) as Packager;
}

export async function packageCommand({ values, positionals }: Parsed): Promise<number> {
  const [path, extra] = positionals;
  if (path === undefined)
    throw CliError.usage("give the script (.ts) or notebook (.ipynb) to package");
  if (extra !== undefined) throw CliError.usage(`unexpected argument "${extra}"`);
  const cellText = values.cell as string | undefined;
  if (cellText !== undefined && !/^[1-9][0-9]{0,5}$/.test(cellText)) {
    throw CliError.usage("--cell must be a cell's position in the notebook: 1 for the first cell");
  }
  const file = resolve(path);
  const packager = await loadPackager(file);
  let pkg: BuiltPackage;
  try {
    pkg = await packager.buildPackage(file, {
      upToCell: cellText === undefined ? null : Number(cellText),
    });
  } catch (err) {
    // PackagingError (by name: the library may be another copy) names the cell and what to do.
    if (err instanceof Error && err.name === "PackagingError") throw new CliError(err.message);
    throw err;
  }
  let uploaded: { url: string; created: boolean } | undefined;
  if (values.upload) {
    const client = new ApiClient({
      url: values.url as string | undefined,
      dataDir: values["data-dir"] as string | undefined,
    });
    const put = await client.send<{ id: string; created: boolean }>(
      "POST",
      "/packages",
      pkg.bytes,
      "application/json",
    );
    if (put.id !== pkg.id) {
      throw new CliError(
        `the server stored the package as ${put.id}, not ${pkg.id}: are both on the same version?`,
      );
    }
    uploaded = { url: `${client.endpoint.url}/api/v1/packages/${pkg.id}`, created: put.created };
  }
  if (values.json) {
    const { manifest } = pkg;
    const summary = {
      id: pkg.id,
      size: pkg.bytes.length,
      dependencyKey: pkg.dependencyKey,
      manifest,
      uploaded,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(`${describePackage(pkg, uploaded)}\n`);
  return 0;
}

/** The human-readable listing of a package. */
function describePackage(pkg: BuiltPackage, uploaded?: { url: string; created: boolean }): string {
  const { manifest: m } = pkg;
  const lines = [`package ${pkg.id}`, `size    ${bytes(pkg.bytes.length)}`];
  const upTo = m.entry.upToCell ? ` (cells 1 to ${m.entry.upToCell})` : "";
  lines.push(`entry   ${m.entry.kind} ${m.entry.path}${upTo}`);
  lines.push(
    `steps   ${m.steps.length === 0 ? "none found" : m.steps.map((s) => s.name).join(", ")}`,
  );
  for (const c of m.entry.cells ?? []) {
    const kept = c.kept.length > 0 ? `keeps ${c.kept.join(", ")}` : "keeps nothing";
    const out =
      c.leftOut.length > 0
        ? `; leaves out ${c.leftOut.length === 1 ? c.leftOut[0] : `${c.leftOut.length} statements`}`
        : "";
    lines.push(`  cell ${c.cell}: ${kept}${out}`);
  }
  lines.push("files");
  for (const f of m.files) lines.push(`  ${f.path.padEnd(40)} ${bytes(f.size).padStart(10)}`);
  lines.push(
    `dependencies  key ${pkg.dependencyKey} on this machine (node ${process.versions.node.split(".")[0]}, ${process.platform}-${process.arch})`,
    `              lockfile sha256 ${m.dependencies.lockfileSha256}`,
    `bundled by esbuild ${m.tools.esbuild}`,
  );
  if (uploaded) {
    lines.push(`uploaded ${uploaded.url} (${uploaded.created ? "stored" : "already stored"})`);
  }
  return lines.join("\n");
}
