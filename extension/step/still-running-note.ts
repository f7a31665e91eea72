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
import { StillRunningAlert } from "../mime/still-running-alert";
import type { IStillRunningSteps } from "../tokens";

export class StillRunningStepNote extends StillRunningAlert {
  constructor(steps: IStillRunningSteps | null) {
    super(steps);
    this.addClass("jp-TsematicStep-stillRunning");
  }

  /** Follows the step run `run.id`. */
  sync(run: { readonly id: string }): void {
    if (run.id !== this._runId) {
      this._runId = run.id;
      this.render();
    }
  }

  protected render(): void {
    const step = this._runId === null ? null : (this.steps?.find(this._runId) ?? null);
    if (step === null) {
      this.hide();
      this.node.replaceChildren();
      return;
    }
    this.say(`Its code is still running in the kernel of ${step.kernel.notebookPath}`, step.kernel);
  }

  private _runId: string | null = null;
}
