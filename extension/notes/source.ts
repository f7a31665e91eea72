/**
 * The live notes of a root run: the Y.Text `notes` of the Yjs document `notes/<rootId>` on the
 * lineage server's y-websocket endpoint, which persists it (the server stays the writer of record
 * and says when and by whom it was last changed). The token goes only to the configured server
 * ({@link tokenFor}); the author's name goes with the connection (`?author=`) and in awareness.
 *
 * @example
 * ```ts
 * const notes = new LiveNotes({ rootId, settings: () => current });
 * notes.text.observe(() => console.log(notes.text.toString()));
 * notes.replace("Tried lr=0.2: worse.");
 * notes.dispose();
 * ```
 */
import { type ISignal, Signal } from "@lumino/signaling";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";

import { type ITsematicSettings, tokenFor } from "../settings";

/** The longest notes text the server keeps (wave-5 contract); longer edits are refused. */
export const MAX_NOTES_LENGTH = 100_000;

/** The longest author name sent (the server refuses longer ones: MAX_AUTHOR_CHARS). */
export const MAX_AUTHOR_LENGTH = 128;

export type NotesStatus = "connecting" | "live" | "offline";

export class LiveNotes {
  constructor(options: LiveNotes.IOptions) {
    this.rootId = options.rootId;
    const settings = options.settings();
    const author = authorOf(settings);
    const token = tokenFor(settings, settings.serverUrl);
    const params: Record<string, string> = { author };
    if (token) {
      params.token = token;
    }
    this.doc = new Y.Doc();
    this.text = this.doc.getText("notes");
    this._provider = new WebsocketProvider(
      `${settings.serverUrl.replace(/^http/, "ws")}/api/v1/live`,
      `notes/${encodeURIComponent(this.rootId)}`,
      this.doc,
      {
        params,
        disableBc: true,
        maxBackoffTime: options.maxBackoffMs ?? 5_000,
        ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
      },
    );
    this._provider.awareness.setLocalStateField("user", { name: author });
    this._provider.on("status", this._onStatus);
    this._provider.on("sync", this._onSync);
  }

  readonly rootId: string;
  readonly doc: Y.Doc;
  /** The shared text; observe it for remote edits. */
  readonly text: Y.Text;

  get status(): NotesStatus {
    return this._status;
  }

  /** Whether the document has been read from the server at least once. */
  get synced(): boolean {
    return this._synced;
  }

  /** Emitted when {@link LiveNotes.status} or {@link LiveNotes.synced} changes. */
  get statusChanged(): ISignal<this, void> {
    return this._statusChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Makes the text `next` by one edit of the part that changed (the common head and tail kept),
   * so concurrent edits elsewhere in the text merge. Refuses (returns false, changes nothing) a
   * text longer than {@link MAX_NOTES_LENGTH}.
   */
  replace(next: string): boolean {
    if (next.length > MAX_NOTES_LENGTH) {
      return false;
    }
    const edit = textEdit(this.text.toString(), next);
    if (edit === null) {
      return true;
    }
    this.doc.transact(() => {
      if (edit.removed > 0) {
        this.text.delete(edit.at, edit.removed);
      }
      if (edit.inserted !== "") {
        this.text.insert(edit.at, edit.inserted);
      }
    }, LiveNotes.LOCAL);
    return true;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._provider.off("status", this._onStatus);
    this._provider.off("sync", this._onSync);
    this._provider.destroy();
    this.doc.destroy();
    Signal.clearData(this);
  }

  private _onStatus = (event: { status: string }): void => {
    if (this._isDisposed) {
      return;
    }
    const next: NotesStatus =
      event.status === "connected"
        ? this._synced
          ? "live"
          : "connecting"
        : event.status === "connecting"
          ? "connecting"
          : "offline";
    if (next !== this._status) {
      this._status = next;
      this._statusChanged.emit();
    }
  };

  private _onSync = (synced: boolean): void => {
    if (this._isDisposed || !synced) {
      return;
    }
    this._synced = true;
    this._status = "live";
    this._statusChanged.emit();
  };

  private readonly _provider: WebsocketProvider;
  private readonly _statusChanged = new Signal<this, void>(this);
  private _status: NotesStatus = "connecting";
  private _synced = false;
  private _isDisposed = false;
}

export namespace LiveNotes {
  export interface IOptions {
    rootId: string;
    /** Current settings: server URL, token, author name. */
    settings: () => ITsematicSettings;
    /** Longest wait between two reconnection attempts (default 5 s: a restarted server is found soon). */
    maxBackoffMs?: number;
    /** The WebSocket class (node tests). */
    WebSocketPolyfill?: typeof WebSocket;
  }

  /** The transaction origin of this client's own edits. */
  export const LOCAL = Symbol("tsematic-notes-local");
}

/** The author name sent with edits: the setting, bounded; "anonymous" when it is empty. */
export function authorOf(settings: Pick<ITsematicSettings, "authorName">): string {
  const name = (settings.authorName ?? "").trim().slice(0, MAX_AUTHOR_LENGTH);
  return name === "" ? "anonymous" : name;
}

/**
 * The one edit that turns `before` into `after`: where, how many characters go, what comes in;
 * null when they are equal.
 */
export function textEdit(
  before: string,
  after: string,
): { at: number; removed: number; inserted: string } | null {
  if (before === after) {
    return null;
  }
  let head = 0;
  const shorter = Math.min(before.length, after.length);
  while (head < shorter && before[head] === after[head]) {
    head++;
  }
  let tail = 0;
  while (
    tail < shorter - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    tail++;
  }
  return {
    at: head,
    removed: before.length - head - tail,
    inserted: after.slice(head, after.length - tail),
  };
}
