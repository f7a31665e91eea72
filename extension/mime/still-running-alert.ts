/**
 * What the run view's and the step panel's still-running notes share: an alert that follows the
 * registry of still-running steps ({@link IStillRunningSteps}), says that a canceled step's code
 * goes on in a kernel until it checks its signal, and offers to restart that kernel (tslab's
 * interrupt only stops the cell that is executing, and the step's cell has ended).
 *
 * @example
 * ```ts
 * class MyNote extends StillRunningAlert {
 *   protected render(): void {
 *     this.say("The code of step \"train\" is still running in the kernel", kernel);
 *   }
 * }
 * ```
 */
import { Signal } from "@lumino/signaling";
import { Widget } from "@lumino/widgets";

import type { IStillRunningSteps } from "../tokens";

export abstract class StillRunningAlert extends Widget {
  constructor(steps: IStillRunningSteps | null) {
    super();
    this.addClass("jp-TsematicStillRunning");
    this.node.setAttribute("role", "alert");
    this.steps = steps;
    steps?.changed.connect(this.render, this);
    this.hide();
  }

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    Signal.disconnectReceiver(this);
    super.dispose();
  }

  /** Draws the note from the registry (or hides it); called whenever the registry changes. */
  protected abstract render(): void;

  /**
   * Shows `where` ("… is still running in the kernel …") with what stops it, and the restart
   * button for `kernel` when it is known.
   */
  protected say(where: string, kernel: IStillRunningSteps.IKernel | null): void {
    const text = document.createElement("span");
    text.textContent = `${where}: it stops when it checks runContext().signal (nothing it prints is recorded).`;
    this.node.replaceChildren(text, ...(kernel ? [restartKernelButton(kernel)] : []));
    this.show();
  }

  /** The registry of still-running steps, when the page has one. */
  protected readonly steps: IStillRunningSteps | null;
}

/**
 * The button that stops a step's lingering code: a restart of the kernel it runs in (JupyterLab
 * asks first), whichever notebook is current.
 */
export function restartKernelButton(kernel: IStillRunningSteps.IKernel): HTMLButtonElement {
  const button = document.createElement("button");
  button.className = "jp-Button jp-mod-styled jp-mod-warn jp-TsematicStillRunning-restart";
  button.textContent = "Restart Kernel";
  button.title =
    `Restart the kernel of ${kernel.notebookPath}: that stops the step's code (the notebook's ` +
    "variables are lost). Interrupting does not stop it: its cell has already ended.";
  button.onclick = () => void kernel.restart();
  return button;
}
