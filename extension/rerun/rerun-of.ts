/**
 * The line of a root run's panel that names the run it was made from: "Rerun of <original>"
 * (and "from <step run>" for a rerun from a step), each a link that opens that run's panel.
 *
 * @example
 * ```ts
 * const line = rerunOfLine(await api.run(rootId), (id) => openStep(id));
 * if (line) header.append(line);
 * ```
 */
import { stepLink } from "../step/dom";
import { rerunOfRecord } from "./api";

/** The line for `record` (`GET /runs/{id}`), or null when the run is not a rerun. */
export function rerunOfLine(
  record: unknown,
  open: ((runId: string) => void) | null,
): HTMLElement | null {
  const rerunOf = rerunOfRecord(record);
  if (!rerunOf) {
    return null;
  }
  const line = document.createElement("div");
  line.className = "jp-TsematicStep-rerunOf";
  line.append(
    "Rerun of ",
    stepLink(rerunOf.runId, rerunOf.runId.slice(0, 12), `Open run ${rerunOf.runId}`, open),
  );
  if (rerunOf.from) {
    line.append(
      " from step run ",
      stepLink(rerunOf.from, rerunOf.from.slice(0, 12), `Open step run ${rerunOf.from}`, open),
    );
  }
  return line;
}
