/**
 * The panel of one step run: state, attempt, cache hit (with the original run), timings, resources,
 * inputs and outputs (name → artifact view), logs (paged), the error with its stack, and the
 * step's source. While the step runs, a {@link StepFollower} keeps it current (state, timings,
 * outputs as they arrive, logs as they grow, the error when it fails) until the step ends or the
 * panel closes. Failures to reach the lineage server show as an actionable message and a retry
 * button.
 */
import { Panel, Widget } from "@lumino/widgets";

import { createArtifactView, type IArtifactViewContext } from "../artifacts";
import { errorText } from "../artifacts/context";
import { errorBlock } from "../artifacts/simple";
import type { ILogLine, IPort, IRunDetail, IRunWithPorts, StepApi } from "./api";
import { ENDED_STATES } from "../client";
import { StepFollower } from "./follow";

export class StepPanel extends Panel {
  constructor(options: StepPanel.IOptions) {
    super();
    this.addClass("jp-TsematicStep");
    this.id = `tsematic-step-${options.runId}`;
    this.runId = options.runId;
    this._context = { api: options.api, rendermime: options.rendermime };
    this._followOptions = options.follow ?? {};
    this.title.label = `Step ${options.runId.slice(0, 8)}`;
    this.title.closable = true;
    void this.refresh();
  }

  readonly runId: string;

  /** What updates the panel; null once disposed. */
  get follower(): StepFollower | null {
    return this._follower;
  }

  /**
   * Reads the run again, rebuilds the panel, and keeps it current while the step runs. Resolves
   * once the first answer (or failure) is shown.
   */
  refresh(): Promise<void> {
    this._follower?.dispose();
    this._clear();
    this.addWidget(Private.text("jp-TsematicStep-status", "Loading the run…"));
    const follower = new StepFollower({
      ...this._followOptions,
      runId: this.runId,
      api: this._context.api,
    });
    this._follower = follower;
    const shown = new Promise<void>((resolve) => {
      const once = (): void => {
        follower.updated.disconnect(once);
        resolve();
      };
      follower.updated.connect(once);
    });
    follower.updated.connect(this._onUpdate, this);
    follower.start();
    return shown;
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    // No request after the panel is closed.
    this._follower?.dispose();
    this._follower = null;
    super.dispose();
  }

  private _onUpdate(follower: StepFollower, update: StepFollower.IUpdate): void {
    if (follower !== this._follower || this.isDisposed) {
      return;
    }
    const detail = follower.detail;
    if (detail === null) {
      this._clear();
      this._showError(follower.failure);
      return;
    }
    if (this._view === null) {
      this._clear();
      this._view = new StepView(this._context, () => void follower.moreLogs());
      for (const widget of this._view.widgets) {
        this.addWidget(widget);
      }
    }
    if (update.detailChanged || this._view.isEmpty) {
      this._view.show(detail);
    } else {
      this._view.showHeader(detail.run);
    }
    this._view.appendLogs(update.lines);
    this._view.showProgress(follower.following, follower.failure, follower.hasMoreLogs);
    this.title.label = detail.run.stepName;
    this.title.caption = `Step run ${detail.run.id} (${detail.run.state})`;
    this.node.dataset.state = detail.run.state;
    this.node.dataset.following = String(follower.following);
  }

  private _clear(): void {
    this._view = null;
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

  private readonly _context: IArtifactViewContext;
  private readonly _followOptions: StepPanel.IFollowOptions;
  private _follower: StepFollower | null = null;
  private _view: StepView | null = null;
}

export namespace StepPanel {
  /** How the panel follows a running step (StepFollower's options). */
  export type IFollowOptions = Omit<StepFollower.IOptions, "runId" | "api">;

  export interface IOptions {
    runId: string;
    api: StepApi;
    rendermime: IArtifactViewContext["rendermime"];
    /** Live run states of the root, poll intervals. */
    follow?: IFollowOptions;
  }
}

/**
 * The sections of a loaded run. Each is updated in place, so an artifact view already shown (a
 * table loaded, a plot drawn) stays as it is when the step's state or another output changes.
 */
class StepView {
  constructor(context: IArtifactViewContext, moreLogs: () => void) {
    this._header = new Widget();
    this._progress = Private.text("jp-TsematicStep-live", "");
    this._error = new Panel();
    this._inputs = new PortList("Inputs", context);
    this._outputs = new PortList("Outputs", context);
    this._logs = new LogView(moreLogs);
    this._source = document.createElement("pre");
    this._source.className = "jp-TsematicStep-source";
    this.widgets = [
      this._header,
      this._progress,
      this._error,
      this._inputs,
      this._outputs,
      Private.section("Logs"),
      this._logs,
      Private.section("Source"),
      new Widget({ node: this._source }),
    ];
  }

  readonly widgets: readonly Widget[];

  /** Nothing shown yet. */
  get isEmpty(): boolean {
    return this._errorKey === null;
  }

  show({ run, inputs, outputs }: IRunWithPorts): void {
    this.showHeader(run);
    const errorKey = JSON.stringify(run.error);
    if (errorKey !== this._errorKey) {
      this._errorKey = errorKey;
      for (const widget of [...this._error.widgets]) {
        widget.dispose();
      }
      if (run.error) {
        this._error.addWidget(Private.section("Error"));
        this._error.addWidget(
          new Widget({
            node: errorBlock(run.error.name, run.error.message, run.error.stack ?? null),
          }),
        );
      }
    }
    // Bytes upload apart from the events that name them: a port that appears while the step is
    // followed may have no bytes on the server yet.
    const fresh = this._shown || !ENDED_STATES.has(run.state);
    this._shown = true;
    this._inputs.sync(inputs, fresh);
    this._outputs.sync(outputs, fresh);
    if (this._source.textContent !== run.sourceText) {
      this._source.textContent = run.sourceText;
    }
  }

  /** State, timings ("so far" while it runs), resources. */
  showHeader(run: IRunDetail): void {
    this._header.node.replaceChildren(Private.header(run));
    this._ended = ENDED_STATES.has(run.state);
  }

  appendLogs(lines: readonly ILogLine[]): void {
    this._logs.append(lines, this._ended);
  }

  /** Whether the panel still updates, and why it could not at the last try. */
  showProgress(following: boolean, failure: unknown, moreLogs: boolean): void {
    const note = this._progress.node;
    if (failure !== null) {
      note.textContent = `Live updates paused, retrying: ${errorText(failure)}`;
      note.classList.add("jp-mod-warning");
    } else {
      note.textContent = following ? "Updating live while the step runs." : "";
      note.classList.remove("jp-mod-warning");
    }
    note.hidden = note.textContent === "";
    this._logs.showMore(!following && moreLogs);
  }

  private readonly _header: Widget;
  private readonly _progress: Widget;
  private readonly _error: Panel;
  private readonly _inputs: PortList;
  private readonly _outputs: PortList;
  private readonly _logs: LogView;
  private readonly _source: HTMLPreElement;
  private _errorKey: string | null = null;
  private _ended = false;
  private _shown = false;
}

/** A heading and one box per port (name → artifact view), kept in step with the run's ports. */
class PortList extends Panel {
  constructor(title: string, context: IArtifactViewContext) {
    super();
    this._title = title;
    this._context = context;
    this._heading = Private.section(`${title} (0)`);
    this.addWidget(this._heading);
  }

  /** Shows `ports`; new ones wait for their bytes on the server first when `fresh`. */
  sync(ports: readonly IPort[], fresh: boolean): void {
    this._heading.node.textContent = `${this._title} (${ports.length})`;
    const keep = new Map<string, Panel>();
    ports.forEach((port, index) => {
      const key = `${port.name}\u0000${port.artifact.id}`;
      const box = this._boxes.get(key) ?? this._box(port, fresh);
      keep.set(key, box);
      // After the heading, in the run's order.
      if (this.widgets[index + 1] !== box) {
        this.insertWidget(index + 1, box);
      }
    });
    for (const [key, box] of this._boxes) {
      if (!keep.has(key)) {
        box.dispose();
      }
    }
    this._boxes = keep;
  }

  private _box(port: IPort, fresh: boolean): Panel {
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
    if (!fresh) {
      box.addWidget(createArtifactView(port.artifact, this._context));
      return box;
    }
    const waiting = Private.text("jp-TsematicStep-status", "Waiting for the value's upload…");
    box.addWidget(waiting);
    const abort = new AbortController();
    box.disposed.connect(() => abort.abort());
    void Private.whenStored(this._context.api, port.artifact.id, abort.signal).then(() => {
      if (!box.isDisposed) {
        waiting.dispose();
        box.addWidget(createArtifactView(port.artifact, this._context));
      }
    });
    return box;
  }

  private readonly _title: string;
  private readonly _context: IArtifactViewContext;
  private readonly _heading: Widget;
  private _boxes = new Map<string, Panel>();
}

/** A run's logs: lines appended as they arrive; older pages on request once the step ended. */
class LogView extends Widget {
  constructor(moreLogs: () => void) {
    super();
    this.addClass("jp-TsematicStep-logs");
    this._pre = document.createElement("pre");
    this._more = document.createElement("button");
    this._more.className = "jp-Button jp-mod-styled";
    this._more.textContent = "More logs";
    this._more.addEventListener("click", moreLogs);
    this.showMore(false);
    this.node.append(this._pre, this._more);
  }

  append(lines: readonly ILogLine[], ended: boolean): void {
    if (this._count === 0) {
      this._pre.textContent = "";
    }
    for (const line of lines) {
      const span = document.createElement("span");
      span.className =
        line.stream === "stderr" ? "jp-TsematicStep-stderr" : "jp-TsematicStep-stdout";
      span.textContent = line.text.endsWith("\n") ? line.text : `${line.text}\n`;
      this._pre.appendChild(span);
    }
    this._count += lines.length;
    if (this._count === 0) {
      this._pre.textContent = ended ? "(no output)" : "(no output yet)";
    }
  }

  showMore(visible: boolean): void {
    // Not the `hidden` attribute: JupyterLab's button styles set `display`, which overrides it.
    this._more.style.display = visible ? "" : "none";
  }

  private readonly _pre: HTMLPreElement;
  private readonly _more: HTMLButtonElement;
  private _count = 0;
}

namespace Private {
  /**
   * Resolves once the artifact's bytes are on the server, after about a minute without them (the
   * view then says what is missing), or at once when `signal` is aborted (the box is gone).
   */
  export async function whenStored(
    api: StepApi,
    artifactId: string,
    signal: AbortSignal,
  ): Promise<void> {
    let delay = 200;
    for (let waited = 0; waited < 60_000 && !signal.aborted; waited += delay) {
      try {
        if ((await api.artifact(artifactId, signal)).stored !== false) return;
      } catch {
        // Aborted, or the server is away: the view, if any, says so.
        return;
      }
      await new Promise((done) => setTimeout(done, delay));
      delay = Math.min(delay * 2, 3000);
    }
  }

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
