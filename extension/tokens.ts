/**
 * The services Tsematic's plugins share, as JupyterLab core packages share theirs: a described
 * {@link Token} per service, and the interface a plugin gets when it `requires` (or lists as
 * `optional`) the token. A plugin of another package uses them the same way; this module is what
 * the package's main entry exports besides its plugins.
 *
 * @example
 * ```ts
 * import type { JupyterFrontEndPlugin } from "@jupyterlab/application";
 * import { IArtifactViewRegistry } from "tsematic-jupyterlab";
 *
 * const plugin: JupyterFrontEndPlugin<void> = {
 *   id: "my-package:model-view",
 *   autoStart: true,
 *   requires: [IArtifactViewRegistry],
 *   activate: (app, views: IArtifactViewRegistry) => {
 *     views.add("my.model", (artifact) => new MyModelView(artifact));
 *   },
 * };
 * ```
 */
import type { IDisposable } from "@lumino/disposable";
import { Token } from "@lumino/coreutils";
import type { ISignal } from "@lumino/signaling";
import type { Widget } from "@lumino/widgets";

import type { IArtifactViewContext } from "./artifacts/context";
import type { IRunSummary, LineageClient } from "./client";
import type { IPromotedRun } from "./promote/run";
import type { ITsematicSettings } from "./settings";
import type { IArtifact } from "./step/api";

export type { IArtifactViewContext } from "./artifacts/context";
export type { IRunSummary } from "./client";
export type { IPromotedRun } from "./promote/run";
export type { ITsematicSettings } from "./settings";
export type { IArtifact } from "./step/api";

/**
 * The extension's settings (Settings › Tsematic), loaded once for every plugin, with a signal
 * when the user edits them.
 *
 * @example
 * ```ts
 * activate: (app, settings: ILineageSettings) => {
 *   await settings.ready; // the user's values, not the defaults
 *   console.log(settings.current.serverUrl);
 *   settings.changed.connect((_, next) => console.log("now", next.serverUrl));
 * }
 * ```
 */
export interface ILineageSettings {
  /** The current values: the defaults (page config) until {@link ILineageSettings.ready}. */
  readonly current: ITsematicSettings;
  /** Emitted with the new values after each change the user makes. */
  readonly changed: ISignal<ILineageSettings, ITsematicSettings>;
  /** Resolves once the user's settings are loaded (or failed to load: then the defaults stay). */
  readonly ready: Promise<void>;
}

export const ILineageSettings = new Token<ILineageSettings>(
  "tsematic-jupyterlab:ILineageSettings",
  "The Tsematic settings (lineage server URL and token), loaded once, with a signal on change.",
);

/**
 * The one client of the configured lineage server. It reads the settings on every request, so a
 * changed URL or token applies at once; its failures are `LineageServerError`s whose messages say
 * what to do.
 *
 * @example
 * ```ts
 * activate: async (app, client: ILineageClient) => {
 *   const { runs } = await client.listRunPage({ rootsOnly: true, limit: 10 });
 * }
 * ```
 */
export type ILineageClient = LineageClient;

export const ILineageClient = new Token<ILineageClient>(
  "tsematic-jupyterlab:ILineageClient",
  "The one client of the configured Tsematic lineage server (REST, token, actionable errors).",
);

/**
 * Which run the user is looking at: the root run selected in the runs panel (or opened by a
 * command) and, within it, the step run whose panel is current. Commands act on it; views follow
 * it. It also holds what the runs list last read about the selected root run, so a command can
 * tell whether it has ended without looking at the page.
 *
 * @example
 * ```ts
 * selection.changed.connect(() => graph.setRoot(selection.rootId));
 * selection.select("r-1f3a");
 * ```
 */
export interface IRunSelection {
  /** The selected root run's id, if any. */
  readonly rootId: string | null;
  /** The selected step run's id (a run under {@link IRunSelection.rootId}), if any. */
  readonly stepId: string | null;
  /** The selected root run as the runs list last read it (name, state, tags); null when unknown. */
  readonly run: IRunSummary | null;
  /** Emitted after any of the above changed. */
  readonly changed: ISignal<IRunSelection, void>;
  /**
   * Selects a root run (null: none) and, optionally, a step run in it. Selecting another root
   * forgets the step and the summary unless they are given.
   */
  select(rootId: string | null, options?: IRunSelection.ISelectOptions): void;
}

export namespace IRunSelection {
  export interface ISelectOptions {
    /** A step run of the root run. */
    stepId?: string | null;
    /** What is known about the root run. */
    run?: IRunSummary | null;
  }
}

export const IRunSelection = new Token<IRunSelection>(
  "tsematic-jupyterlab:IRunSelection",
  "The Tsematic run (and step run) the user has selected, with a signal when it changes.",
);

/**
 * The views of artifacts by kernel-lib type name, used by the step panel for every input and
 * output. The built-in views (Arrow table grid, JSON tree, Vega-Lite plot, markdown, images,
 * binary, errors, and the summary of unknown types) are registered through it like any other, so
 * a package can add a view for a type its users registered with kernel-lib's `registerType()`, or
 * replace a built-in one.
 *
 * A type name matches exactly; else the longest `prefix.*` pattern (`image.*` matches
 * `image.png`); else `*`. The newest registration of a name wins; disposing it brings back the
 * one before.
 *
 * @example
 * ```ts
 * const registration = views.add("my.model", (artifact, context) => new MyModelView(artifact, context));
 * registration.dispose(); // the model's summary is shown again
 * ```
 */
export interface IArtifactViewRegistry {
  /** Adds the view of artifacts of `typeName` (an exact name, `prefix.*`, or `*`). */
  add(typeName: string, factory: IArtifactViewRegistry.Factory): IDisposable;
  /** The factory that shows artifacts of `typeName`, or null when none matches. */
  factoryFor(typeName: string): IArtifactViewRegistry.Factory | null;
  /** A view of `artifact`, from the factory that matches its type. */
  createView(artifact: IArtifact, context: IArtifactViewContext): Widget;
  /** Emitted with the pattern whose view was added or removed. */
  readonly changed: ISignal<IArtifactViewRegistry, string>;
}

export namespace IArtifactViewRegistry {
  /**
   * Makes the widget showing one artifact; the step panel disposes it with the port's box. The
   * bytes are on the lineage server: `await context.api.artifactValue(artifact.id)` is their
   * response, fetched with the configured token; `artifact.summary` is what the type's
   * `summarize()` returned in the kernel.
   */
  export type Factory = (artifact: IArtifact, context: IArtifactViewContext) => Widget;
}

export const IArtifactViewRegistry = new Token<IArtifactViewRegistry>(
  "tsematic-jupyterlab:IArtifactViewRegistry",
  "The views of Tsematic artifacts by type name; add one for a type registered with registerType().",
);

/**
 * The notes pane of a root run (live, shared by everyone who opens it; persisted by the lineage
 * server): the pipeline view shows it for the picked run, the step panel for a root run.
 *
 * @example
 * ```ts
 * panel.addWidget(notes.createPane(rootId)); // disposed with the panel
 * ```
 */
export interface IRunNotes {
  /** A new pane bound to the notes of `rootId` (a root run). */
  createPane(rootId: string): Widget;
}

export const IRunNotes = new Token<IRunNotes>(
  "tsematic-jupyterlab:IRunNotes",
  "The live notes pane of a Tsematic root run, for panels that show a root run.",
);

/**
 * The steps whose code still runs in a notebook's kernel after their run ended: a canceled step
 * that does not check `runContext().signal` goes on, since JavaScript cannot stop a function from
 * outside. The notebook's run views report what kernel-lib's run view bundle says
 * (`stillRunning`), and so does the kernel itself when such code returns at last; a kernel that
 * restarts or shuts down ends them all. The cell's run view and the step panel read it, so both
 * say the same, and offer to stop the code in the right notebook's kernel.
 *
 * @example
 * ```ts
 * const step = stillRunning.find(runId);
 * if (step) console.log(`still running in the kernel of ${step.kernel.notebookPath}`);
 * stillRunning.changed.connect(() => note.sync());
 * await step?.kernel.restart(); // asks first, as JupyterLab's own command does
 * ```
 */
export interface IStillRunningSteps {
  /** The step run `runId` when its code still runs in a kernel; null otherwise (or unknown). */
  find(runId: string): IStillRunningSteps.IStep | null;
  /** The still-running steps of root run `rootId`. */
  ofRoot(rootId: string): readonly IStillRunningSteps.IStep[];
  /**
   * Takes what a run view bundle (kernel-lib's `RunViewBundle`) shown by `kernel`'s notebook says
   * about its root run; a bundle older than one already taken for that root is ignored.
   */
  report(bundle: unknown, kernel: IStillRunningSteps.IKernel): void;
  /** Forgets the steps of `kernel`: its process ended (restart, shutdown), or its notebook closed. */
  forget(kernel: IStillRunningSteps.IKernel): void;
  /** The kernel of the notebook whose page shows `node` (a run view in a cell), if any. */
  kernelOf(node: HTMLElement): IStillRunningSteps.IKernel | null;
  /** Emitted after the still-running steps changed. */
  readonly changed: ISignal<IStillRunningSteps, void>;
}

export namespace IStillRunningSteps {
  /** A notebook's kernel, where such code runs. */
  export interface IKernel {
    /** The notebook's path, to tell the user which kernel. */
    readonly notebookPath: string;
    /**
     * Stops the code by restarting this notebook's kernel, after the user confirms in JupyterLab's
     * own dialog. (tslab's interrupt only stops the cell that is executing: it cannot stop the
     * code of a step whose cell already ended.) Resolves whether or not the user confirmed.
     */
    restart(): Promise<void>;
  }

  /** A step run whose code still runs. */
  export interface IStep {
    readonly runId: string;
    readonly stepName: string;
    readonly rootId: string;
    readonly kernel: IKernel;
  }
}

export const IStillRunningSteps = new Token<IStillRunningSteps>(
  "tsematic-jupyterlab:IStillRunningSteps",
  "The canceled steps whose code still runs in a notebook's kernel, per notebook kernel.",
);

/**
 * The runs promoted to the cluster from notebook cells ("Run Pipeline on Cluster…"): the cell each
 * came from and whether it has ended. Their graph is in a panel of its own, not in the cell's
 * outputs, so the commands that act on a cell's run (cancel, open) look them up here; each run's
 * state is followed until it ends, so cancel turns disabled then, as for a local run.
 *
 * @example
 * ```ts
 * const run = promoted.get(cell.model.id);
 * if (run && !run.ended) await app.commands.execute("tsematic:cancel-run", { rootId: run.rootId });
 * promoted.changed.connect(() => app.commands.notifyCommandChanged());
 * ```
 */
export interface IPromotedRuns {
  /** The run promoted from the cell whose model id is `cellId` (the latest), if any. */
  get(cellId: string): IPromotedRuns.IEntry | null;
  /** Records the run just promoted from a cell, and follows its state until it ends. */
  set(cellId: string, run: IPromotedRun): void;
  /**
   * Follows the state of a promoted run known only by its id (its panel, restored after a page
   * reload, has no cell): {@link byRoot} then says when it has ended.
   */
  follow(run: IPromotedRun): void;
  /** A promoted run by its root id (promoted from a cell or followed), if known. */
  byRoot(rootId: string): IPromotedRuns.IEntry | null;
  /** Emitted after a run was added or its state changed. */
  readonly changed: ISignal<IPromotedRuns, void>;
}

export namespace IPromotedRuns {
  export interface IEntry extends IPromotedRun {
    /** The root run's state as last read; null before the first read. */
    readonly state: string | null;
    /** The root run is in a final state (resolved, failed, canceled...). */
    readonly ended: boolean;
  }
}

export const IPromotedRuns = new Token<IPromotedRuns>(
  "tsematic-jupyterlab:IPromotedRuns",
  "The runs promoted to the cluster from notebook cells, and whether each has ended.",
);
