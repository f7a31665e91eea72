/**
 * The step panel's "why canceled" line: for a canceled run, the cause {@link cancelCause} finds in
 * what the server recorded, with a link that opens the run to blame (the failed input's run, the
 * root a user canceled, the parent that ended first). Asked once per canceled run shown.
 *
 * @example
 * ```ts
 * const note = new CancelNote(api, (id) => openStep(id));
 * panel.addWidget(note);
 * note.sync(run); // reads the root's graph when run.state is "canceled"
 * ```
 */
import { Widget } from "@lumino/widgets";

import { errorText } from "../artifacts/context";
import type { IRunDetail, StepApi } from "./api";
import { cancelCause, type ICancelCause } from "./cancel-reason";
import { stepLink } from "./dom";

export class CancelNote extends Widget {
  constructor(api: StepApi, openStep: ((runId: string) => void) | null) {
    super();
    this.addClass("jp-TsematicStep-cancelReason");
    this._api = api;
    this._openStep = openStep;
    this.hide();
  }

  /** Shows why `run` was canceled (asked of the server once), or nothing when it was not. */
  sync(run: IRunDetail): void {
    if (run.state !== "canceled") {
      this._askedFor = null;
      this.hide();
      return;
    }
    if (this._askedFor === run.id) {
      return;
    }
    this._askedFor = run.id;
    this.node.textContent = "Why canceled: reading the run's graph…";
    this.show();
    void this._api.cancelContext(run.rootId || run.id).then(
      ({ graph, cancelRequested }) => {
        if (this.isDisposed || this._askedFor !== run.id) {
          return;
        }
        this._render(cancelCause(run.id, graph, cancelRequested));
      },
      (reason: unknown) => {
        if (this.isDisposed || this._askedFor !== run.id) {
          return;
        }
        this.node.textContent = `Why canceled: unknown (${errorText(reason)})`;
      },
    );
  }

  private _render(cause: ICancelCause): void {
    this.node.dataset.cause = cause.kind;
    const heading = document.createElement("strong");
    heading.textContent = "Why canceled: ";
    const text = document.createElement("span");
    const at = cause.stepName ? cause.text.indexOf(cause.stepName) : -1;
    if (cause.runId && cause.stepName && at >= 0) {
      // The run to blame is named in the sentence: that name is the link.
      text.append(
        cause.text.slice(0, at),
        stepLink(cause.runId, cause.stepName, `Open step run ${cause.runId}`, this._openStep),
        cause.text.slice(at + cause.stepName.length),
      );
    } else {
      text.textContent = cause.text;
    }
    this.node.replaceChildren(heading, text);
  }

  private readonly _api: StepApi;
  private readonly _openStep: ((runId: string) => void) | null;
  private _askedFor: string | null = null;
}
