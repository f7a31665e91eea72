/**
 * The panel of one step run: state, attempt, cache hit (with the original run), timings, resources,
 * inputs and outputs (name → artifact view), logs (paged), the error with its stack, and the
 * step's source. Failures to reach the lineage server show as an actionable message and a retry
 * button.
 */
import { Panel, Widget } from "@lumino/widgets";

import { createArtifactView, type IArtifactViewContext } from "../artifacts";
import { errorText } from "../artifacts/context";
import { errorBlock } from "../artifacts/simple";
import type { IPort, IRunDetail, IRunWithPorts, StepApi } from "./api";

/** Log lines fetched per page. */
const LOG_PAGE = 200;

export class StepPanel extends Panel {
  constructor(options: StepPanel.IOptions) {
    super();
    this.addClass("jp-TsematicStep");
    this.id = `tsematic-step-${options.runId}`;
    this.runId = options.runId;
    this._context = { api: options.api, rendermime: options.rendermime };
    this.title.label = `Step ${options.runId.slice(0, 8)}`;
    this.title.closable = true;
    void this.refresh();
  }

  readonly runId: string;

  /** Fetches the run again and rebuilds the panel. */
  async refresh(): Promise<void> {
    this._clear();
    this.addWidget(Private.text("jp-TsematicStep-status", "Loading the run…"));
    let detail: IRunWithPorts;
    try {
      detail = await this._context.api.run(this.runId);
    } catch (reason) {
      if (this.isDisposed) {
        return;
      }
      this._clear();
      this._showError(reason);
      return;
    }
    if (this.isDisposed) {
      return;
    }
    this._clear();
    this._render(detail);
  }

  private _clear(): void {
    for (const widget of [...this.widgets]) {
      widget.dispose();
    }
  }

  private _showError(reason: unknown): void {
    const node = document.createElement("div");
    node.className = "jp-TsematicStep-error";
    const message = document.createElement("div");
    message.textContent = errorText(reason);
    const retry = document.createElement("button");
    retry.className = "jp-Button jp-mod-styled jp-mod-reject";
    retry.textContent = "Retry";
    retry.addEventListener("click", () => void this.refresh());
    node.append(message, retry);
    this.addWidget(new Widget({ node }));
  }

  private _render({ run, inputs, outputs }: IRunWithPorts): void {
    this.title.label = run.stepName;
    this.title.caption = `Step run ${run.id} (${run.state})`;
    this.addWidget(new Widget({ node: Private.header(run) }));
    if (run.error) {
      this.addWidget(Private.section("Error"));
      this.addWidget(
        new Widget({
          node: errorBlock(run.error.name, run.error.message, run.error.stack ?? null),
        }),
      );
    }
    this._ports("Inputs", inputs);
    this._ports("Outputs", outputs);
    this.addWidget(Private.section("Logs"));
    this.addWidget(new LogView(this._context.api, run.id));
    this.addWidget(Private.section("Source"));
    const source = document.createElement("pre");
    source.className = "jp-TsematicStep-source";
    source.textContent = run.sourceText;
    this.addWidget(new Widget({ node: source }));
  }

  private _ports(title: string, ports: readonly IPort[]): void {
    this.addWidget(Private.section(`${title} (${ports.length})`));
    for (const port of ports) {
      const box = new Panel();
      box.addClass("jp-TsematicStep-port");
      box.node.dataset.port = port.name;
      box.node.dataset.type = port.artifact.typeName;
      const head = document.createElement("div");
      head.className = "jp-TsematicStep-portHeader";
      const name = document.createElement("span");
      name.className = "jp-TsematicStep-portName";
      name.textContent = port.name;
      const meta = document.createElement("span");
      meta.className = "jp-TsematicStep-portMeta";
      meta.textContent = `${port.artifact.typeName} · ${Private.bytes(port.artifact.size)} · ${port.artifact.id.slice(0, 12)}`;
      meta.title = port.artifact.id;
      head.append(name, meta);
      box.addWidget(new Widget({ node: head }));
      box.addWidget(createArtifactView(port.artifact, this._context));
      this.addWidget(box);
    }
  }

  private readonly _context: IArtifactViewContext;
}

export namespace StepPanel {
  export interface IOptions {
    runId: string;
    api: StepApi;
    rendermime: IArtifactViewContext["rendermime"];
  }
}

/** A run's logs, a page at a time. */
class LogView extends Widget {
  constructor(api: StepApi, runId: string) {
    super();
    this.addClass("jp-TsematicStep-logs");
    this._api = api;
    this._runId = runId;
    this._pre = document.createElement("pre");
    this._more = document.createElement("button");
    this._more.className = "jp-Button jp-mod-styled";
    this._more.textContent = "More logs";
    this._more.addEventListener("click", () => void this._next());
    this._more.hidden = true;
    this.node.append(this._pre, this._more);
    void this._next();
  }

  private async _next(): Promise<void> {
    try {
      const page = await this._api.logs(this._runId, this._cursor, LOG_PAGE);
      if (this.isDisposed) {
        return;
      }
      for (const line of page.lines) {
        const span = document.createElement("span");
        span.className =
          line.stream === "stderr" ? "jp-TsematicStep-stderr" : "jp-TsematicStep-stdout";
        span.textContent = line.text.endsWith("\n") ? line.text : `${line.text}\n`;
        this._pre.appendChild(span);
      }
      this._count += page.lines.length;
      if (this._count === 0) {
        this._pre.textContent = "(no output)";
      }
      this._cursor = page.nextCursor;
      this._more.hidden = page.nextCursor === null;
    } catch (reason) {
      if (!this.isDisposed) {
        this._pre.textContent = errorText(reason);
      }
    }
  }

  private readonly _api: StepApi;
  private readonly _runId: string;
  private readonly _pre: HTMLPreElement;
  private readonly _more: HTMLButtonElement;
  private _cursor: string | null = null;
  private _count = 0;
}

namespace Private {
  export function text(className: string, content: string): Widget {
    const node = document.createElement("div");
    node.className = className;
    node.textContent = content;
    return new Widget({ node });
  }

  export function section(title: string): Widget {
    const node = document.createElement("h3");
    node.className = "jp-TsematicStep-section";
    node.textContent = title;
    return new Widget({ node });
  }

  export function bytes(size: number): string {
    if (size < 1024) {
      return `${size} B`;
    }
    const units = ["KiB", "MiB", "GiB"];
    let value = size / 1024;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return `${value.toFixed(1)} ${units[unit]}`;
  }

  function time(ms: number | null): string {
    return ms === null ? "–" : new Date(ms).toLocaleString();
  }

  function duration(run: IRunDetail): string {
    if (run.startedAt === null) {
      return "not started";
    }
    const end = run.endedAt ?? Date.now();
    const ms = end - run.startedAt;
    return `${ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`}${run.endedAt === null ? " so far" : ""}`;
  }

  /** Name, state, attempt, cache, timings and resources as a definition list. */
  export function header(run: IRunDetail): HTMLElement {
    const node = document.createElement("div");
    node.className = "jp-TsematicStep-header";
    const title = document.createElement("h2");
    title.className = "jp-TsematicStep-title";
    title.textContent = run.stepName;
    const state = document.createElement("span");
    state.className = `jp-TsematicStep-state jp-mod-${run.state}`;
    state.textContent = run.state;
    title.appendChild(state);
    node.appendChild(title);
    const resources = Object.entries(run.resources ?? {})
      .map(([key, value]) => `${key} ${String(value)}`)
      .join(", ");
    const rows: Array<[string, string]> = [
      ["run", run.id],
      ["attempt", String(run.attempt)],
      [
        "cache",
        run.originalRunId
          ? `hit: outputs of run ${run.originalRunId}`
          : run.cache
            ? "enabled, computed"
            : "off",
      ],
      ["created", time(run.createdAt)],
      ["started", time(run.startedAt)],
      ["ended", time(run.endedAt)],
      ["duration", duration(run)],
      ["resources", resources || "default"],
      [
        "source hash",
        run.sourceHash.slice(0, 16) + (run.version ? ` (version ${run.version})` : ""),
      ],
    ];
    if (run.tags.length) {
      rows.push(["tags", run.tags.join(", ")]);
    }
    const list = document.createElement("dl");
    list.className = "jp-TsematicStep-facts";
    for (const [key, value] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = key;
      const dd = document.createElement("dd");
      dd.textContent = value;
      list.append(dt, dd);
    }
    node.appendChild(list);
    return node;
  }
}
