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
export interface Packager {
  buildPackage(
    path: string,
    options: { upToCell?: number | null; program?: boolean },
  ): Promise<BuiltPackage>;
}

export interface BuiltPackage {
  id: string;
  bytes: Buffer;
  dependencyKey: string;
  projectRoot: string;
  manifest: {
    entry: {
      kind: "script" | "notebook";
      path: string;
      upToCell?: number | null;
      program?: string;
      programCell?: number;
      cells?: { cell: number; kept: string[]; leftOut: string[]; program?: string[] }[];
    };
    steps: {
      name: string;
      sourceHash: string;
      resources?: { cpus?: number; memoryMiB?: number; gpus?: number };
      remote?: boolean;
    }[];
    exports: string[];
    files: { path: string; sha256: string; size: number }[];
    dependencies: { lockfileSha256: string };
    tools: { esbuild: string };
  };
}

/** `command` names the command in the error, e.g. "`tsematic submit`". */
export async function loadPackager(
  file: string,
  command = "`tsematic package`",
): Promise<Packager> {
  let path: string;
  try {
    path = require.resolve("tsematic/lib/package", { paths: [dirname(file), __dirname] });
  } catch {
    throw new CliError(
      `${command} needs the tsematic library in the project: run \`npm install tsematic\` there`,
    );
  }
  return (await import(path)) as Packager;
}

/** Builds a package; a PackagingError (which names the cell and what to do) becomes a CliError. */
export async function build(
  packager: Packager,
  file: string,
  options: { upToCell?: number | null; program?: boolean },
): Promise<BuiltPackage> {
  try {
    return await packager.buildPackage(file, options);
  } catch (err) {
    // PackagingError (by name: the library may be another copy) names the cell and what to do.
    if (err instanceof Error && err.name === "PackagingError") throw new CliError(err.message);
    throw err;
  }
}

/** `--cell N` checked: a positive integer, or null when not given. */
export function cellOption(values: Parsed["values"]): number | null {
  const cellText = values.cell as string | undefined;
  if (cellText !== undefined && !/^[1-9][0-9]{0,5}$/.test(cellText)) {
    throw CliError.usage("--cell must be a cell's position in the notebook: 1 for the first cell");
  }
  return cellText === undefined ? null : Number(cellText);
}

/** Stores a package on the server (`POST /packages`); `created` false when it was already there. */
export async function upload(client: ApiClient, pkg: BuiltPackage): Promise<{ created: boolean }> {
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
  return { created: put.created };
}

export async function packageCommand({ values, positionals }: Parsed): Promise<number> {
  const [path, extra] = positionals;
  if (path === undefined) {
    throw CliError.usage("give the script (.ts) or notebook (.ipynb) to package");
  }
  if (extra !== undefined) throw CliError.usage(`unexpected argument "${extra}"`);
  const upToCell = cellOption(values);
  const file = resolve(path);
  const pkg = await build(await loadPackager(file), file, { upToCell });
  let uploaded: { url: string; created: boolean } | undefined;
  if (values.upload) {
    const client = new ApiClient({
      url: values.url as string | undefined,
      dataDir: values["data-dir"] as string | undefined,
    });
    const { created } = await upload(client, pkg);
    uploaded = { url: `${client.endpoint.url}/api/v1/packages/${pkg.id}`, created };
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
  for (const s of m.steps.filter((st) => st.resources || st.remote)) {
    const asks = s.resources
      ? Object.entries(s.resources)
          .map(([k, v]) => `${k}: ${v}`)
          .join(", ")
      : "";
    lines.push(
      `  ${s.name}: ${[asks && `resources ${asks}`, s.remote ? "remote" : ""].filter(Boolean).join(", ")}`,
    );
  }
  if (m.entry.program) {
    lines.push(`program ${m.entry.program}: runs cell ${m.entry.programCell}'s top-level work`);
  }
  for (const c of m.entry.cells ?? []) {
    const kept = c.kept.length > 0 ? `keeps ${c.kept.join(", ")}` : "keeps nothing";
    const out =
      c.leftOut.length > 0
        ? `; leaves out ${c.leftOut.length === 1 ? c.leftOut[0] : `${c.leftOut.length} statements`}`
        : "";
    const program = c.program?.length
      ? `; runs ${c.program.length} statement(s) as the program`
      : "";
    lines.push(`  cell ${c.cell}: ${kept}${out}${program}`);
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
