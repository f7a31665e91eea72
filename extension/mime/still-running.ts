/**
 * The run view's warning after a canceled run whose step code still runs in the kernel: JavaScript
 * cannot stop a function from outside, so a step that does not check `runContext().signal` goes on
 * (nothing it prints is recorded). The note says so and offers JupyterLab's kernel interrupt.
 *
 * @example
 * ```ts
 * const note = new StillRunningNote(app.commands);
 * note.sync(bundle); // shown when bundle.stillRunning names runs, hidden otherwise
 * ```
 */
import type { CommandRegistry } from "@lumino/commands";
import { Widget } from "@lumino/widgets";

import { stillRunningSteps } from "./still-running-steps";

/** JupyterLab's command that interrupts the current notebook's kernel. */
const INTERRUPT_KERNEL = "notebook:interrupt-kernel";

export class StillRunningNote extends Widget {
  constructor(commands: CommandRegistry) {
    super();
    this.addClass("jp-TsematicStillRunning");
    this.node.setAttribute("role", "alert");
    this._commands = commands;
    this.hide();
  }

  /** Shows the note for the bundle's still-running steps, or hides it. */
  sync(bundle: unknown): void {
    const steps = stillRunningSteps(bundle);
    if (steps.length === 0) {
      this.hide();
      return;
    }
    const names = steps.map((name) => `"${name}"`).join(", ");
    const text = document.createElement("span");
    text.textContent =
      `The code of ${steps.length === 1 ? "step" : "steps"} ${names} is still running in the ` +
      "kernel: it stops when it checks runContext().signal (nothing it prints is recorded).";
    const button = document.createElement("button");
    button.className = "jp-Button jp-mod-styled jp-mod-warn";
    button.textContent = "Interrupt Kernel";
    button.title = "Interrupt this notebook's kernel, which stops the step's code";
    button.disabled = !this._commands.hasCommand(INTERRUPT_KERNEL);
    button.onclick = () => void this._commands.execute(INTERRUPT_KERNEL);
    this.node.replaceChildren(text, button);
    this.show();
  }

  private readonly _commands: CommandRegistry;
}
