/**
 * The panel of one step run: state, attempt, cache hit (with the original run), timings, resources,
 * inputs and outputs (name → artifact view), logs (paged), the error with its stack, and the
 * step's source. Each input links to the run that produced it and each output to the runs that
 * used it (recorded flows); the header names the notebook the pipeline was started from. While the step runs, a {@link StepFollower} keeps it current (state, timings,
 * outputs as they arrive, logs as they grow, the error when it fails) until the step ends or the
 * panel closes. Failures to reach the lineage server show as an actionable message and a retry
 * button.
 */
import { Panel, Widget } from "@lumino/widgets";

import type { IArtifactViewContext } from "../artifacts";
import { errorText } from "../artifacts/context";
import { errorBlock } from "../artifacts/simple";
import { failureBlock, failureView } from "./failure";
import type {
  ILogLine,
  IPort,
  IPortConsumer,
  IPortProducer,
  IRunDetail,
  IRunWithPorts,
  StepApi,
} from "./api";
import { ENDED_STATES } from "../client";
import type { IArtifactViewRegistry, IStillRunningSteps } from "../tokens";
import { attemptRows, attemptsBlock } from "./attempts";
import { CancelNote } from "./cancel-note";
import { factList, stepLink } from "./dom";
import { StepFollower } from "./follow";
import { JobSection } from "./job";
import { SourceView } from "./source";
import { StillRunningStepNote } from "./still-running-note";
import { rerunOfLine } from "../rerun/rerun-of";

export class StepPanel extends Panel {
  constructor(options: StepPanel.IOptions) {
    super();
    this.addClass("jp-TsematicStep");
    // No id: the MainAreaWidget around the panel has the step's id (one element per id).
    this.node.dataset.runId = options.runId;
    this.runId = options.runId;
    this._context = { api: options.api, rendermime: options.rendermime, views: options.views };
    this._followOptions = options.follow ?? {};
    this._openStep = options.openStep ?? null;
    this._rootPane = options.rootPane ?? null;
    this._stillRunning = options.stillRunning ?? null;
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
    this._notebookAsked = false;
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
      this._view = new StepView(
        this._context,
        () => void follower.moreLogs(),
        this._openStep,
        this._stillRunning,
      );
      for (const widget of this._view.widgets) {
        this.addWidget(widget);
      }
      // A root run's panel ends with its notes (IRunNotes), when a plugin provides them.
      if (detail.run.id === detail.run.rootId && this._rootPane) {
        this.addWidget(this._rootPane(detail.run.id));
      }
    }
    if (!this._notebookAsked) {
      this._notebookAsked = true;
      const view = this._view;
      void this._context.api.notebookPath(detail).then(
        (path) => {
          if (!this.isDisposed && this._view === view) {
            view.setNotebookPath(path);
          }
        },
        () => undefined, // Unknown: the header simply does not name it.
      );
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

  private readonly _context: Private.IPortContext;
  private readonly _followOptions: StepPanel.IFollowOptions;
  private readonly _openStep: ((runId: string) => void) | null;
  private readonly _rootPane: ((rootId: string) => Widget) | null;
  private readonly _stillRunning: IStillRunningSteps | null;
  private _notebookAsked = false;
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
    /** The artifact views by type name (built-in and added by other packages). */
    views: IArtifactViewRegistry;
    /** Live run states of the root, poll intervals. */
    follow?: IFollowOptions;
    /** Opens the panel of another step run (the producer of an input, a consumer of an output). */
    openStep?: (runId: string) => void;
    /** The notes pane of a root run, shown at the end of a root run's panel (IRunNotes). */
    rootPane?: (rootId: string) => Widget;
    /** The canceled steps whose code still runs in a kernel (IStillRunningSteps). */
    stillRunning?: IStillRunningSteps | null;
  }
}

/**
 * The sections of a loaded run. Each is updated in place, so an artifact view already shown (a
 * table loaded, a plot drawn) stays as it is when the step's state or another output changes.
 */
class StepView {
  constructor(
    context: Private.IPortContext,
    moreLogs: () => void,
    openStep: ((runId: string) => void) | null,
    stillRunning: IStillRunningSteps | null,
  ) {
    this._header = new Widget();
    this._openStep = openStep;
    this._rerunOf = new Widget();
    this._notebook = Private.text("jp-TsematicStep-notebook", "");
    this._notebook.hide();
    this._progress = Private.text("jp-TsematicStep-live", "");
    this._job = new JobSection(context.api);
    this._error = new Panel();
    this._attempts = new Widget();
    this._cancel = new CancelNote(context.api, openStep);
    this._stillRunning = new StillRunningStepNote(stillRunning);
    this._inputs = new PortList("Inputs", context, openStep);
    this._outputs = new PortList("Outputs", context, openStep);
    this._logs = new LogView(moreLogs);
    this._openStep = openStep;
    this._source = new SourceView();
    this.widgets = [
      this._header,
      this._rerunOf,
      this._notebook,
      this._progress,
      new Widget({ node: this._job.node }),
      this._cancel,
      this._stillRunning,
      this._error,
      this._attempts,
      this._inputs,
      this._outputs,
      Private.section("Logs"),
      this._logs,
      Private.section("Source"),
      new Widget({ node: this._source.node }),
    ];
  }

  readonly widgets: readonly Widget[];

  /** Nothing shown yet. */
  get isEmpty(): boolean {
    return this._errorKey === null;
  }

  show(detail: IRunWithPorts): void {
    const { run, inputs, outputs } = detail;
    this.showHeader(run);
    // A root made by a rerun names the run it was made from (rerun/rerun-of.ts).
    const rerunOf = rerunOfLine(detail, this._openStep);
    this._rerunOf.node.replaceChildren(...(rerunOf ? [rerunOf] : []));
    this._job.sync(run);
    this._cancel.sync(run);
    this._stillRunning.sync(run);
    const errorKey = JSON.stringify(run.error);
    if (errorKey !== this._errorKey) {
      this._errorKey = errorKey;
      for (const widget of [...this._error.widgets]) {
        widget.dispose();
      }
      if (run.error) {
        this._error.addWidget(Private.section("Error"));
        // A job's failure (out of memory, killed, lost...): which class and what to change, first.
        const failure = failureView(run.error);
        if (failure) {
          this._error.addWidget(new Widget({ node: failureBlock(failure) }));
        }
        this._error.addWidget(
          new Widget({
            node: errorBlock(run.error.name, run.error.message, run.error.stack ?? null),
          }),
        );
      }
    }
    // Rebuilt only when the attempts change, so a stack the user expanded stays open.
    const attemptsKey = JSON.stringify(run.attempts ?? []);
    if (attemptsKey !== this._attemptsKey) {
      this._attemptsKey = attemptsKey;
      const attempts = attemptsBlock(attemptRows(run.attempts ?? [], Date.now()));
      this._attempts.node.replaceChildren(...(attempts ? [attempts] : []));
    }
    // Bytes upload apart from the events that name them: a port that appears while the step is
    // followed may have no bytes on the server yet.
    const fresh = this._shown || !ENDED_STATES.has(run.state);
    this._shown = true;
    this._inputs.sync(inputs, fresh);
    this._outputs.sync(outputs, fresh);
    this._source.sync(run);
  }

  /** State, timings ("so far" while it runs), resources. */
  showHeader(run: IRunDetail): void {
    this._header.node.replaceChildren(Private.header(run, this._openStep));
    this._ended = ENDED_STATES.has(run.state);
  }

  /** The notebook the pipeline was started from (null: unknown, nothing shown). */
  setNotebookPath(path: string | null): void {
    // The file's name reads at a glance; the whole path (where it ran) is the tooltip.
    const name = path?.split("/").pop() || path;
    this._notebook.node.textContent = name ? `Started from the notebook ${name}` : "";
    this._notebook.node.title = path ?? "";
    this._notebook.setHidden(!path);
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

  private readonly _openStep: ((runId: string) => void) | null;
  private readonly _header: Widget;
  private readonly _rerunOf: Widget;
  private readonly _notebook: Widget;
  private readonly _progress: Widget;
  private readonly _job: JobSection;
  private readonly _error: Panel;
  private readonly _attempts: Widget;
  private readonly _cancel: CancelNote;
  private readonly _stillRunning: StillRunningStepNote;
  private readonly _inputs: PortList;
  private readonly _outputs: PortList;
  private readonly _logs: LogView;
  private readonly _source: SourceView;
  private _errorKey: string | null = null;
  private _attemptsKey = "";
  private _ended = false;
  private _shown = false;
}

/** A heading and one box per port (name → artifact view), kept in step with the run's ports. */
class PortList extends Panel {
  constructor(
    title: string,
    context: Private.IPortContext,
    openStep: ((runId: string) => void) | null,
  ) {
    super();
    this._title = title;
    this._isInput = title === "Inputs";
    this._context = context;
    this._openStep = openStep;
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
      // Consumers are recorded as later steps start: the line is redrawn on every read.
      const flows = box.node.querySelector(".jp-TsematicStep-flows");
      if (flows) {
        flows.replaceWith(Private.flowLine(port, this._isInput, this._openStep));
      }
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
    head.append(name, meta, Private.flowLine(port, this._isInput, this._openStep));
    box.addWidget(new Widget({ node: head }));
    if (!fresh) {
      box.addWidget(this._context.views.createView(port.artifact, this._context));
      return box;
    }
    const waiting = Private.text("jp-TsematicStep-status", "Waiting for the value's upload…");
    box.addWidget(waiting);
    const abort = new AbortController();
    box.disposed.connect(() => abort.abort());
    void Private.whenStored(this._context.api, port.artifact.id, abort.signal).then(() => {
      if (!box.isDisposed) {
        waiting.dispose();
        box.addWidget(this._context.views.createView(port.artifact, this._context));
      }
    });
    return box;
  }

  private readonly _title: string;
  private readonly _isInput: boolean;
  private readonly _context: Private.IPortContext;
  private readonly _openStep: ((runId: string) => void) | null;
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
  /** What the port boxes need: what a view gets, and the registry that makes the views. */
  export interface IPortContext extends IArtifactViewContext {
    readonly views: IArtifactViewRegistry;
  }

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
        if ((await api.artifact(artifactId, signal)).stored !== false) {
          return;
        }
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

  /**
   * Where an input came from (its producers) or where an output went (its consumers), as links
   * that open those runs' panels; "unknown" for ports recorded before flows were.
   */
  export function flowLine(
    port: IPort,
    isInput: boolean,
    openStep: ((runId: string) => void) | null,
  ): HTMLElement {
    const line = document.createElement("div");
    line.className = "jp-TsematicStep-flows";
    line.dataset.direction = isInput ? "input" : "output";
    const runs: ReadonlyArray<IPortProducer | IPortConsumer> | undefined = isInput
      ? port.producers
      : port.consumers;
    if (runs === undefined) {
      line.textContent = `${isInput ? "producer" : "consumers"} unknown (recorded before lineage flows were)`;
      line.classList.add("jp-mod-unknown");
      return line;
    }
    if (runs.length === 0) {
      line.textContent = isInput ? "from: a plain value (no step produced it)" : "used by: none";
      return line;
    }
    line.append(isInput ? "from: " : "used by: ");
    runs.forEach((flow, index) => {
      if (index > 0) {
        line.append(", ");
      }
      const title =
        `Open step run ${flow.runId}` +
        (flow.kind === "parent" ? " (via the parent)" : "") +
        (flow.path ? ` · ${flow.path}` : "");
      // A producer not on this server (yet) has no step name (openapi.yaml: Producer).
      const name = flow.stepName ?? `run ${flow.runId.slice(0, 8)}`;
      line.append(stepLink(flow.runId, name, title, openStep));
      const where = "parameter" in flow && flow.parameter ? flow.parameter : flow.path;
      if (where) {
        line.append(` (${where}${flow.kind === "parent" ? ", via the parent" : ""})`);
      } else if (flow.kind === "parent") {
        line.append(" (via the parent)");
      }
    });
    if (port.more) {
      line.append(", and more");
    }
    return line;
  }

  /** A cache hit names the run it reused, as a link that opens that run's panel. */
  function cacheFact(run: IRunDetail, openStep: ((runId: string) => void) | null): string | Node {
    if (!run.originalRunId) {
      return run.cache ? "enabled, computed" : "off";
    }
    const fact = document.createElement("span");
    fact.className = "jp-TsematicStep-cacheHit";
    fact.append(
      "hit: reused the outputs of run ",
      stepLink(
        run.originalRunId,
        run.originalRunId.slice(0, 12),
        `Open the run whose outputs this step reused (${run.originalRunId})`,
        openStep,
      ),
    );
    return fact;
  }

  /** Name, state, attempt, cache, timings and resources as a definition list. */
  export function header(run: IRunDetail, openStep: ((runId: string) => void) | null): HTMLElement {
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
    const rows: Array<[string, string | Node]> = [
      ["run", run.id],
      ["attempt", String(run.attempt)],
      ["cache", cacheFact(run, openStep)],
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
    node.appendChild(factList(rows));
    return node;
  }
}
