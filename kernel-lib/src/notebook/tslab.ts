/**
 * The bridge to the tslab kernel, without depending on tslab: it is only looked up at run time, and
 * only used when this process is a live tslab kernel.
 *
 * Why not `tslab.newDisplay().raw(mime, data)`: tslab's public display sends ONE MIME type per
 * message, and a front-end without the Tsematic extension cannot render the run view's MIME type, so
 * it would show "no renderer" instead of the progress line. A Jupyter MIME bundle carries both and
 * lets each front-end pick. tslab's public display is a thin layer over `lastWriteDisplayData` of its
 * `dist/jupyter` module (tslab 1.0.22, the version Tsematic pins as a peer dependency); this module
 * calls that writer the same way, with a display id, so later calls update the output in place.
 */
import { randomBytes } from "node:crypto";

/** A Jupyter `display_data` message body, as tslab's writer takes it. */
interface DisplayData {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

type WriteDisplayData = (data: DisplayData, update: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
}

/**
 * tslab's loaded `dist/jupyter` module, if this process is a tslab kernel. Nothing is loaded here:
 * outside a kernel the module is absent from the require cache (and tslab may not be installed).
 */
function loadedTslabJupyter(): TslabJupyterModule | undefined {
  let file: string;
  try {
    file = require.resolve("tslab/dist/jupyter");
  } catch {
    return undefined; // tslab is not installed
  }
  const mod = require.cache[file]?.exports as Partial<TslabJupyterModule> | undefined;
  return mod && "lastWriteDisplayData" in mod ? (mod as TslabJupyterModule) : undefined;
}

/** The exports of tslab's loaded `dist/jupyter` module (its kernel's handler class), if loaded. */
export function tslabJupyterExports(): Record<string, unknown> | undefined {
  return loadedTslabJupyter() as Record<string, unknown> | undefined;
}

/** Whether this process is a tslab kernel executing notebook cells. */
export function inTslabKernel(): boolean {
  return typeof loadedTslabJupyter()?.lastWriteDisplayData === "function";
}

/** One output area entry, replaced in place by each `show`. */
export interface BundleDisplay {
  readonly id: string;
  /** Shows a MIME bundle (e.g. a custom type and its `text/plain` fallback). */
  show(data: Record<string, unknown>): void;
}

/**
 * A new display in the current cell's output, or undefined outside a tslab kernel. The first `show`
 * sends `display_data`, later ones `update_display_data` with the same display id.
 */
export function newBundleDisplay(): BundleDisplay | undefined {
  const jupyter = loadedTslabJupyter();
  if (typeof jupyter?.lastWriteDisplayData !== "function") return undefined;
  const id = randomBytes(8).toString("hex");
  let shown = false;
  return {
    id,
    show(data) {
      // Read at every call, like tslab does: output goes to the request that is current now.
      const write = jupyter.lastWriteDisplayData;
      if (typeof write !== "function") return;
      write({ data, metadata: {}, transient: { display_id: id } }, shown);
      shown = true;
    },
  };
}
