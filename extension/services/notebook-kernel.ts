/**
 * One notebook's kernel as {@link IStillRunningSteps} sees it: every run view bundle its kernel
 * sends is reported, also the update kernel-lib sends after the cell ended, when a canceled step's
 * code returns at last (no output area takes that one: its request is over, so only the kernel's
 * message stream carries it); a restart, a new kernel or a dead one forgets the notebook's steps;
 * `restart()` restarts this notebook's kernel, whichever notebook is current.
 *
 * @example
 * ```ts
 * const kernel = new NotebookKernel({ panel, steps, dialogs });
 * panel.disposed.connect(() => kernel.dispose()); // also forgets its steps
 * ```
 */
import { type ISessionContext, SessionContextDialogs } from "@jupyterlab/apputils";
import type { NotebookPanel } from "@jupyterlab/notebook";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import type { IDisposable } from "@lumino/disposable";

import { RUN_VIEW_MIME_TYPE } from "../mime/mime-type";
import type { IStillRunningSteps } from "../tokens";

export class NotebookKernel implements IStillRunningSteps.IKernel, IDisposable {
  constructor(options: NotebookKernel.IOptions) {
    this._panel = options.panel;
    this._steps = options.steps;
    this._dialogs = options.dialogs ?? new SessionContextDialogs();
    const session = this._panel.sessionContext;
    session.iopubMessage.connect(this._onMessage, this);
    session.statusChanged.connect(this._onStatus, this);
    session.kernelChanged.connect(this._onKernelChanged, this);
  }

  get notebookPath(): string {
    return this._panel.context.path;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  async restart(): Promise<void> {
    if (!this._isDisposed) {
      await this._dialogs.restart(this._panel.sessionContext);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    const session = this._panel.sessionContext;
    // The panel's session may be gone before the panel: nothing to disconnect from then.
    if (!session.isDisposed) {
      session.iopubMessage.disconnect(this._onMessage, this);
      session.statusChanged.disconnect(this._onStatus, this);
      session.kernelChanged.disconnect(this._onKernelChanged, this);
    }
    // The notebook is closed: its kernel (if it still runs) can no longer be stopped from here.
    this._steps.forget(this);
  }

  private _onMessage(_: ISessionContext, message: KernelMessage.IMessage): void {
    const type = message.header.msg_type;
    if (type !== "display_data" && type !== "update_display_data") {
      return;
    }
    const data = (message.content as { data?: Record<string, unknown> }).data;
    const bundle = data?.[RUN_VIEW_MIME_TYPE];
    if (bundle !== undefined) {
      this._steps.report(bundle, this);
    }
  }

  private _onStatus(_: ISessionContext, status: Kernel.Status): void {
    // The kernel's process ends: every step's code in it stops.
    if (status === "restarting" || status === "autorestarting" || status === "dead") {
      this._steps.forget(this);
    }
  }

  private _onKernelChanged(): void {
    this._steps.forget(this);
  }

  private readonly _panel: NotebookPanel;
  private readonly _steps: IStillRunningSteps;
  private readonly _dialogs: ISessionContext.IDialogs;
  private _isDisposed = false;
}

export namespace NotebookKernel {
  export interface IOptions {
    /** The notebook whose kernel this is. */
    panel: NotebookPanel;
    /** Where its steps are reported. */
    steps: IStillRunningSteps;
    /** JupyterLab's session dialogs (ISessionContextDialogs), for the restart's confirmation. */
    dialogs?: ISessionContext.IDialogs;
  }
}
