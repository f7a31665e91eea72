/**
 * The run view's warning after a canceled run whose step code still runs in the kernel: JavaScript
 * cannot stop a function from outside, so a step that does not check `runContext().signal` goes on
 * (nothing it prints is recorded). The note says so and offers to restart that notebook's kernel,
 * the one thing that stops it: tslab's interrupt only stops the cell that is executing, and that
 * cell has ended. With {@link IStillRunningSteps} (a run view in a notebook) it follows what the
 * kernel says, so it goes away when the code returns at last or the kernel restarts; elsewhere it
 * shows what the bundle says.
 *
 * @example
 * ```ts
 * const note = new StillRunningNote({ steps });
 * note.sync(bundle, steps.kernelOf(renderer.node)); // shown while bundle.stillRunning's code runs
 * ```
 */
import type { IStillRunningSteps } from "../tokens";
import { StillRunningAlert } from "./still-running-alert";
import { stillRunningSteps } from "./still-running-steps";

export class StillRunningNote extends StillRunningAlert {
  constructor(options: StillRunningNote.IOptions = {}) {
    super(options.steps ?? null);
  }

  /**
   * Shows the note for the bundle's still-running steps, or hides it. With the kernel of the
   * notebook that shows it, the bundle is reported to the registry, which the note then follows.
   */
  sync(bundle: unknown, kernel: IStillRunningSteps.IKernel | null): void {
    this._bundle = bundle;
    this._followed = this.steps !== null && kernel !== null;
    if (this.steps !== null && kernel !== null) {
      // Emits `changed` (then rendered) when it changes anything; rendered here in any case.
      this.steps.report(bundle, kernel);
    }
    this.render();
  }

  protected render(): void {
    const rootId = (this._bundle as { rootId?: unknown } | null)?.rootId;
    const followed = this._followed && this.steps !== null && typeof rootId === "string";
    const still = followed ? this.steps!.ofRoot(rootId as string) : [];
    const names = followed
      ? [...new Set(still.map((step) => step.stepName))]
      : stillRunningSteps(this._bundle);
    if (names.length === 0) {
      this.hide();
      return;
    }
    this.say(
      `The code of ${names.length === 1 ? "step" : "steps"} ${names.map((name) => `"${name}"`).join(", ")} ` +
        "is still running in the kernel",
      still[0]?.kernel ?? null,
    );
  }

  private _bundle: unknown = null;
  private _followed = false;
}

export namespace StillRunningNote {
  export interface IOptions {
    /** The registry of still-running steps (IStillRunningSteps), when the page has one. */
    steps?: IStillRunningSteps | null;
  }
}
