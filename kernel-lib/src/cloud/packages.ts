/**
 * The code package a cloud run's workers load: built from the script or notebook once per file and
 * modification time in this process, and uploaded to the server before the first job needs it.
 */
import { hostname } from "node:os";
import { basename, resolve } from "node:path";
import { existsSync, statSync } from "node:fs";
import { TsematicError } from "../errors";
import { processGlobal } from "../process-global";
import { notebookPath } from "../tracking/environment";
import type { ServerClient } from "../tracking/http";
import type { NotebookCells } from "../package/notebook";
import type { LocalProject } from "./jobs";

/** A package on the server, and where its project is on this machine. */
export interface UploadedPackage {
  id: string;
  localProject: LocalProject;
  /** Steps of the package that declare resources (surface's manifest), for validation. */
  steps: Array<{ name: string; resources?: Record<string, number | undefined> }>;
}

const built = (): Map<
  string,
  Promise<Omit<UploadedPackage, "id"> & { id: string; bytes: Buffer }>
> => processGlobal("tsematic.builtPackages.v1", () => new Map());

const uploaded = (): Map<string, Promise<void>> =>
  processGlobal("tsematic.uploadedPackages.v1", () => new Map());

/**
 * What to package: `explicit` (`ResolveOptions.package`), else the kernel's notebook
 * (`TSEMATIC_NOTEBOOK_FILE`, else the discovered notebook path), else the running script.
 */
export function packageSource(
  explicit: string | NotebookSnapshot | undefined,
): string | NotebookSnapshot {
  if (typeof explicit === "object") return explicit;
  const path = explicit ?? notebookPath() ?? process.argv[1];
  if (!path) {
    throw new TsematicError(
      "a cloud run needs the code of its steps as a package, and this process has no script or " +
        'notebook file: pass it with resolve({ executor, package: "pipeline.ts" })',
    );
  }
  // A notebook's path as JupyterLab names it is relative to its root, and the kernel runs in the
  // notebook's folder: the name alone is found there.
  if (!existsSync(resolve(path)) && existsSync(resolve(basename(path)))) {
    return resolve(basename(path));
  }
  return resolve(path);
}

/**
 * A notebook as its editor has it: what JupyterLab's "Run Pipeline on Cluster…" packages, so that
 * unsaved edits are part of the run and nothing is written to the file.
 */
export interface NotebookSnapshot {
  /** The notebook file: it names the package's entry and finds the project (package-lock.json). */
  path: string;
  /** Its code cells (1-based positions, markdown cells counted) and how many cells it has. */
  cells: NotebookCells;
  /** Package the cells up to this 1-based position. */
  upToCell: number;
}

/**
 * Builds (once per file and mtime, or per snapshot's content) and uploads (once per server) the
 * package of `path`.
 */
export async function ensurePackage(
  client: ServerClient,
  path: string | NotebookSnapshot,
): Promise<UploadedPackage> {
  const snapshot = typeof path === "string" ? null : path;
  const file = resolve(typeof path === "string" ? path : path.path);
  let mtime: number;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    throw new TsematicError(
      `the code package of this cloud run should be made from ${file}, which does not exist: ` +
        "pass the script or notebook with resolve({ executor, package })",
    );
  }
  const key = snapshot
    ? `${file}\0${mtime}\0${snapshot.upToCell}\0${JSON.stringify(snapshot.cells)}`
    : `${file}\0${mtime}`;
  let build = built().get(key);
  if (!build) {
    build = (async () => {
      const { buildPackage } = await import("../package");
      const pkg = await buildPackage(
        file,
        snapshot ? { cells: snapshot.cells, upToCell: snapshot.upToCell } : {},
      );
      const steps = (
        pkg.manifest.steps as Array<{ name: string; resources?: Record<string, number> }>
      ).map((s) => ({ name: s.name, ...(s.resources ? { resources: s.resources } : {}) }));
      return {
        id: pkg.id,
        bytes: pkg.bytes,
        steps,
        localProject: { host: hostname(), root: pkg.projectRoot, dependencyKey: pkg.dependencyKey },
      };
    })();
    built().set(key, build);
    build.catch(() => built().delete(key));
  }
  const pkg = await build;
  const uploadKey = `${client.url}\0${pkg.id}`;
  let upload = uploaded().get(uploadKey);
  if (!upload) {
    upload = client
      .request("POST", "/packages", {
        body: pkg.bytes,
        contentType: "application/octet-stream",
        timeoutMs: 600_000,
      })
      .then((res) => res.body?.cancel());
    uploaded().set(uploadKey, upload);
    upload.catch(() => uploaded().delete(uploadKey));
  }
  await upload;
  return { id: pkg.id, localProject: pkg.localProject, steps: pkg.steps };
}
