/**
 * {@link ILineageSettings}: the settings of {@link SETTINGS_PLUGIN_ID} loaded once from the
 * setting registry for every plugin, resolved ({@link resolveSettings}), with a signal on change.
 * Until they are loaded, and when they cannot be, the defaults apply (page config, then the local
 * server's address).
 *
 * @example
 * ```ts
 * const settings = new LineageSettings({ registry });
 * const client = new LineageClient({ settings: () => settings.current });
 * settings.changed.connect(() => void model.refresh());
 * await settings.ready;
 * ```
 */
import type { ISettingRegistry } from "@jupyterlab/settingregistry";
import { type ISignal, Signal } from "@lumino/signaling";

import { type ITsematicSettings, resolveSettings, SETTINGS_PLUGIN_ID } from "../settings";
import type { ILineageSettings } from "../tokens";

export class LineageSettings implements ILineageSettings {
  constructor(options: LineageSettings.IOptions) {
    this._resolve = options.resolve ?? ((composite) => resolveSettings(composite));
    this._current = this._resolve({});
    this.ready = this._load(options.registry);
  }

  readonly ready: Promise<void>;

  get current(): ITsematicSettings {
    return this._current;
  }

  get changed(): ISignal<this, ITsematicSettings> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Stops following the registry. Safe to call twice. */
  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._loaded?.changed.disconnect(this._onChanged, this);
    Signal.clearData(this);
  }

  private async _load(registry: ISettingRegistry | null): Promise<void> {
    if (registry === null) {
      return;
    }
    try {
      const loaded = await registry.load(SETTINGS_PLUGIN_ID);
      if (this._isDisposed) {
        return;
      }
      this._loaded = loaded;
      loaded.changed.connect(this._onChanged, this);
      this._onChanged(loaded);
    } catch (reason) {
      console.warn("Tsematic: settings could not be loaded, using defaults.", reason);
    }
  }

  private _onChanged(loaded: ISettingRegistry.ISettings): void {
    const next = this._resolve(loaded.composite);
    if (Private.same(next, this._current)) {
      return;
    }
    this._current = next;
    this._changed.emit(next);
  }

  private readonly _resolve: (
    composite: ISettingRegistry.ISettings["composite"],
  ) => ITsematicSettings;
  private readonly _changed = new Signal<this, ITsematicSettings>(this);
  private _current: ITsematicSettings;
  private _loaded: ISettingRegistry.ISettings | null = null;
  private _isDisposed = false;
}

export namespace LineageSettings {
  export interface IOptions {
    /** JupyterLab's setting registry; null: the defaults only. */
    registry: ISettingRegistry | null;
    /** Resolves the composite settings (default {@link resolveSettings} with the page config). */
    resolve?: (composite: ISettingRegistry.ISettings["composite"]) => ITsematicSettings;
  }
}

namespace Private {
  export function same(a: ITsematicSettings, b: ITsematicSettings): boolean {
    return (
      a.serverUrl === b.serverUrl &&
      a.token === b.token &&
      a.tokenOrigin === b.tokenOrigin &&
      (a.authorName ?? "") === (b.authorName ?? "") &&
      (a.defaultExecutor ?? "") === (b.defaultExecutor ?? "") &&
      (a.nodeUrl ?? "") === (b.nodeUrl ?? "")
    );
  }
}
