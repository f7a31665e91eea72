/**
 * What JupyterLab sends the kernel to promote a cell's pipeline: the notebook's cells as the editor
 * has them, and which cell awaits the pipeline.
 */
import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { TsematicError } from "../errors";
import type { NotebookSnapshot } from "../cloud/packages";
import type { CodeCell } from "../package/notebook";
import { notebookPath } from "../tracking/environment";

/** One cell of the notebook, in order; markdown cells count in positions. */
export interface PromotionCell {
  cellType: string;
  source: string;
  tags?: string[];
}

/** A promotion request (the extension writes it as JSON into the code it executes). */
export interface PromotionRequest {
  /** The notebook's path as JupyterLab names it (relative to its root). */
  notebookPath: string;
  cells: PromotionCell[];
  /** 0-based index of the cell that awaits the pipeline. */
  cellIndex: number;
  /** The executor the user chose (Settings › Tsematic › Default executor); default `local`. */
  executor?: string;
  /**
   * The URL the run's jobs call the server back at (Settings › Tsematic › Cluster node URL): one of
   * the executor's `nodeUrls`. Absent or empty: the server's default.
   */
  nodeUrl?: string;
}

/** The default executor when the settings name none: the lineage server's own machine. */
export const DEFAULT_PROMOTION_EXECUTOR = "local";

/**
 * The notebook file of a request, as the kernel sees it: the kernel's working directory is the
 * notebook's folder, so JupyterLab's root-relative path is tried as given, then by its name.
 */
export function notebookFile(request: PromotionRequest): string {
  const candidates = [request.notebookPath, basename(request.notebookPath), notebookPath()];
  for (const candidate of candidates) {
    if (candidate && existsSync(resolve(candidate))) return resolve(candidate);
  }
  throw new TsematicError(
    `the kernel cannot find the notebook ${request.notebookPath} from its folder ${process.cwd()}: ` +
      "save the notebook, and start its kernel from the notebook's folder",
  );
}

/** The snapshot to package: code cells up to the pipeline's cell, with their 1-based positions. */
export function snapshotOf(request: PromotionRequest, file: string): NotebookSnapshot {
  const code: CodeCell[] = [];
  request.cells.forEach((c, i) => {
    if (c.cellType === "code") code.push({ cell: i + 1, source: c.source, tags: c.tags ?? [] });
  });
  return {
    path: file,
    cells: { cellCount: request.cells.length, code },
    upToCell: request.cellIndex + 1,
  };
}
