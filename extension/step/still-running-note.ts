/**
 * The step panel's line for a canceled step whose code still runs in a notebook's kernel
 * ({@link IStillRunningSteps}): it says so, names the notebook, and offers to restart that
 * notebook's kernel (the one thing that stops it). It follows the registry, so it goes away when
 * the code returns at last or the kernel restarts.
 *
 * @example
 * ```ts
 * const note = new StillRunningStepNote(stillRunning);
 * panel.addWidget(note);
 * note.sync(run); // shown while stillRunning.find(run.id) names it
 * ```
 */
import { Signal } from "@lumino/signaling";
import { Widget } from "@lumino/widgets";

import { restartKernelButton } from "../mime/still-running";
import type { IStillRunningSteps } from "../tokens";

export class StillRunningStepNote extends Widget {
  constructor(steps: IStillRunningSteps | null) {
    super();
    this.addClass("jp-TsematicStillRunning");
    this.addClass("jp-TsematicStep-stillRunning");
    this.node.setAttribute("role", "alert");
    this._steps = steps;
    steps?.changed.connect(this._render, this);
    this.hide();
  }

  /** Follows the step run `run.id`. */
  sync(run: { readonly id: string }): void {
    if (run.id !== this._runId) {
      this._runId = run.id;
      this._render();
    }
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    Signal.disconnectReceiver(this);
    super.dispose();
  }

  private _render(): void {
    const step = this._runId === null ? null : (this._steps?.find(this._runId) ?? null);
    if (step === null) {
      this.hide();
      this.node.replaceChildren();
      return;
    }
    const text = document.createElement("span");
    text.textContent =
      `Its code is still running in the kernel of ${step.kernel.notebookPath}: it stops when it ` +
      "checks runContext().signal (nothing it prints is recorded).";
    this.node.replaceChildren(text, restartKernelButton(step.kernel));
    this.show();
  }

  private readonly _steps: IStillRunningSteps | null;
  private _runId: string | null = null;
}
