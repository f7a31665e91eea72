/**
 * The notes pane of a root run: a text box bound to the run's live notes ({@link LiveNotes}),
 * edited by everyone looking at it at once, with the time and author of the last change the
 * server recorded (read from `GET /runs/{rootId}/notes-pane` once the document is read and shortly
 * after each change, when the server has stored it).
 *
 * @example
 * ```ts
 * const pane = new NotesPane({ rootId, settings: () => current, api });
 * panel.addWidget(pane);
 * ```
 */
import { Widget } from "@lumino/widgets";
import type * as Y from "yjs";

import { errorText } from "../artifacts/context";
import type { INotesPane, PipelineApi } from "../pipeline/api";
import type { ITsematicSettings } from "../settings";
import { LiveNotes, MAX_NOTES_LENGTH, textEdit } from "./source";

/** How long after a change the stored time and author are read again (the server saves ≤ 1 s). */
const META_DELAY_MS = 1_500;

export class NotesPane extends Widget {
  constructor(options: NotesPane.IOptions) {
    super();
    this.addClass("jp-TsematicNotes");
    this.rootId = options.rootId;
    this.node.dataset.rootId = options.rootId;
    this._api = options.api;
    const heading = document.createElement("h3");
    heading.className = "jp-TsematicNotes-heading";
    heading.textContent = "Notes";
    this._status = document.createElement("span");
    this._status.className = "jp-TsematicNotes-status";
    heading.append(" ", this._status);
    this._box = document.createElement("textarea");
    this._box.className = "jp-TsematicNotes-text jp-mod-styled";
    this._box.placeholder = "Notes on this run, shared with everyone who opens it…";
    this._box.setAttribute("aria-label", `Notes on run ${options.rootId}`);
    this._box.maxLength = MAX_NOTES_LENGTH;
    this._box.disabled = true;
    this._meta = document.createElement("div");
    this._meta.className = "jp-TsematicNotes-meta";
    this.node.append(heading, this._box, this._meta);

    this._notes = new LiveNotes({ rootId: options.rootId, settings: options.settings });
    this._notes.text.observe(this._onText);
    this._notes.statusChanged.connect(this._onStatus, this);
    this._box.addEventListener("input", this._onInput);
    this._onStatus();
  }

  readonly rootId: string;

  override dispose(): void {
    if (this.isDisposed) {
      return;
    }
    clearTimeout(this._metaTimer);
    this._box.removeEventListener("input", this._onInput);
    this._notes.text.unobserve(this._onText);
    this._notes.dispose();
    super.dispose();
  }

  private _onInput = (): void => {
    if (!this._notes.replace(this._box.value)) {
      this._meta.textContent = `Notes are limited to ${MAX_NOTES_LENGTH.toLocaleString()} characters: this edit was not kept.`;
      this._box.value = this._notes.text.toString();
      return;
    }
    this._scheduleMeta();
  };

  /** A remote edit: show it, keeping the caret where it was relative to the text around it. */
  private _onText = (_event: Y.YTextEvent, transaction: Y.Transaction): void => {
    if (transaction.origin === LiveNotes.LOCAL) {
      return;
    }
    const before = this._box.value;
    const after = this._notes.text.toString();
    const edit = textEdit(before, after);
    if (edit === null) {
      return;
    }
    const shift = (at: number): number =>
      at <= edit.at ? at : Math.max(edit.at, at - edit.removed) + edit.inserted.length;
    const focused = document.activeElement === this._box;
    const { selectionStart, selectionEnd } = this._box;
    this._box.value = after;
    if (focused) {
      this._box.setSelectionRange(shift(selectionStart), shift(selectionEnd));
    }
    this._scheduleMeta();
  };

  private _onStatus(): void {
    const { status, synced } = this._notes;
    this.node.dataset.status = status;
    this.node.dataset.synced = String(synced);
    this._box.disabled = !synced;
    this._status.textContent =
      status === "live"
        ? ""
        : status === "connecting"
          ? "(connecting…)"
          : "(offline: changes wait for the server)";
    // Offline edits stay in the document and go to the server when it is back.
    if (synced) {
      this._box.disabled = false;
    }
    if (synced && !this._metaRead) {
      this._metaRead = true;
      this._box.value = this._notes.text.toString();
      void this._readMeta();
    }
  }

  private _scheduleMeta(): void {
    clearTimeout(this._metaTimer);
    this._metaTimer = setTimeout(() => void this._readMeta(), META_DELAY_MS);
  }

  private async _readMeta(): Promise<void> {
    try {
      const meta = await this._api.notesPane(this.rootId);
      if (!this.isDisposed) {
        this._showMeta(meta);
      }
    } catch (reason) {
      if (!this.isDisposed) {
        this._meta.textContent = `Last change unknown: ${errorText(reason)}`;
      }
    }
  }

  private _showMeta(meta: INotesPane): void {
    if (meta.updatedAt === null) {
      this._meta.textContent = "No notes yet.";
      delete this.node.dataset.author;
      return;
    }
    const when = new Date(meta.updatedAt);
    this._meta.replaceChildren(
      "Last changed ",
      Object.assign(document.createElement("time"), {
        dateTime: when.toISOString(),
        textContent: when.toLocaleString(),
      }),
      ` by ${meta.author || "anonymous"}`,
    );
    this.node.dataset.author = meta.author ?? "";
  }

  private readonly _api: PipelineApi;
  private readonly _notes: LiveNotes;
  private readonly _box: HTMLTextAreaElement;
  private readonly _status: HTMLElement;
  private readonly _meta: HTMLElement;
  private _metaTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private _metaRead = false;
}

export namespace NotesPane {
  export interface IOptions {
    rootId: string;
    settings: () => ITsematicSettings;
    api: PipelineApi;
  }
}
