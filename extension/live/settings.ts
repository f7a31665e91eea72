/**
 * The extension's settings for the graph plugins, kept current: each plugin loads the shared
 * settings plugin's values itself (the values, not a second schema).
 */
import type { ISettingRegistry } from "@jupyterlab/settingregistry";

import { type ITsematicSettings, resolveSettings, SETTINGS_PLUGIN_ID } from "../settings";

/** A getter of the current settings; defaults (page config) until the registry answers. */
export async function watchSettings(
  registry: ISettingRegistry | null,
): Promise<() => ITsematicSettings> {
  let current = resolveSettings({});
  if (registry !== null) {
    try {
      const loaded = await registry.load(SETTINGS_PLUGIN_ID);
      current = resolveSettings(loaded.composite);
      loaded.changed.connect(() => {
        current = resolveSettings(loaded.composite);
      });
    } catch (reason) {
      console.warn("Tsematic: settings could not be loaded, using defaults.", reason);
    }
  }
  return () => current;
}
