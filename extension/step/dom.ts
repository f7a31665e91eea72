/**
 * DOM pieces shared by the step panel of a tracked run and the snapshot panel of a silent one, so
 * both read alike: the facts list of the header and a link that opens another step's panel.
 *
 * @example
 * ```ts
 * header.append(factList([["state", "resolved"], ["attempt", "1"]]));
 * line.append(stepLink(runId, "square", "Open step run " + runId, (id) => open(id)));
 * ```
 */

/** A `<dl>` of the header's facts, in order; a value may be markup (a link to another run). */
export function factList(rows: ReadonlyArray<readonly [string, string | Node]>): HTMLElement {
  const list = document.createElement("dl");
  list.className = "jp-TsematicStep-facts";
  for (const [key, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = key;
    const dd = document.createElement("dd");
    if (typeof value === "string") {
      dd.textContent = value;
    } else {
      dd.append(value);
    }
    list.append(dt, dd);
  }
  return list;
}

/** A link to the step run `runId`; a click calls `open` (nothing when the view cannot open steps). */
export function stepLink(
  runId: string,
  text: string,
  title: string,
  open: ((runId: string) => void) | null | undefined,
): HTMLAnchorElement {
  const link = document.createElement("a");
  link.className = "jp-TsematicStep-runLink";
  link.href = "#";
  link.dataset.runId = runId;
  link.textContent = text;
  if (title) {
    link.title = title;
  }
  link.addEventListener("click", (event) => {
    event.preventDefault();
    open?.(runId);
  });
  return link;
}
