import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { ISettingRegistry } from "@jupyterlab/settingregistry";
import { Signal } from "@lumino/signaling";

import { resolveSettings, SETTINGS_PLUGIN_ID } from "../settings";
import { LineageSettings } from "./settings";

/**
 * The part of JupyterLab's setting registry the service calls: `load(id)` and the loaded
 * settings' `composite` and `changed`. (The real SettingRegistry's ESM build does not load in
 * node: its imports have no file extensions.)
 */
class LoadedSettings {
  constructor(public composite: Record<string, string>) {}
  readonly changed = new Signal<LoadedSettings, void>(this);
  edit(values: Record<string, string>): void {
    this.composite = { ...this.composite, ...values };
    this.changed.emit();
  }
}

function registryOf(loaded: LoadedSettings | Error): ISettingRegistry & { loads: string[] } {
  const loads: string[] = [];
  return {
    loads,
    load: async (id: string) => {
      loads.push(id);
      if (loaded instanceof Error) {
        throw loaded;
      }
      return loaded;
    },
  } as unknown as ISettingRegistry & { loads: string[] };
}

const page = (name: string): string =>
  ({ tsematicServerUrl: "http://lab-started:9", tsematicToken: "p" })[name] ?? "";
const resolve = (composite: ISettingRegistry.ISettings["composite"]) =>
  resolveSettings(composite, page);

describe("LineageSettings", () => {
  it("loads the settings plugin's values once, and has the defaults until then", async () => {
    const registry = registryOf(new LoadedSettings({ serverUrl: "http://h:1/", token: "t" }));
    const settings = new LineageSettings({ registry, resolve });
    assert.equal(settings.current.serverUrl, "http://lab-started:9", "the page config's first");
    await settings.ready;
    assert.deepEqual(settings.current, {
      serverUrl: "http://h:1",
      token: "t",
      tokenOrigin: "http://h:1",
    });
    assert.deepEqual(registry.loads, [SETTINGS_PLUGIN_ID]);
  });

  it("signals the new values when the user edits them, and not for an edit that changes nothing", async () => {
    const loaded = new LoadedSettings({ serverUrl: "http://h:1" });
    const settings = new LineageSettings({ registry: registryOf(loaded), resolve });
    await settings.ready;
    const seen: string[] = [];
    settings.changed.connect((_, next) => seen.push(next.serverUrl));
    loaded.edit({ serverUrl: "http://h:2" });
    loaded.edit({ serverUrl: "http://h:2/" });
    assert.deepEqual(seen, ["http://h:2"]);
    assert.equal(settings.current.serverUrl, "http://h:2");
  });

  it("keeps the defaults when the settings cannot be loaded, and is ready all the same", async () => {
    const settings = new LineageSettings({ registry: registryOf(new Error("no schema")), resolve });
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      await settings.ready;
    } finally {
      console.warn = warn;
    }
    assert.equal(settings.current.serverUrl, "http://lab-started:9");
    assert.equal(settings.current.token, "p");
  });

  it("stops following the registry once disposed (twice is fine)", async () => {
    const loaded = new LoadedSettings({ serverUrl: "http://h:1" });
    const settings = new LineageSettings({ registry: registryOf(loaded), resolve });
    await settings.ready;
    settings.dispose();
    settings.dispose();
    loaded.edit({ serverUrl: "http://h:3" });
    assert.equal(settings.current.serverUrl, "http://h:1");
  });
});
