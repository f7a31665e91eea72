/**
 * The plugins that provide Tsematic's shared services (extension/tokens.ts): the settings, the one
 * lineage client, the run selection, the artifact view registry, and the built-in artifact views
 * registered through it.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ICommandPalette } from "@jupyterlab/apputils";
import { ISettingRegistry } from "@jupyterlab/settingregistry";
import { settingsIcon } from "@jupyterlab/ui-components";

import { ArtifactViewRegistry, registerBuiltinViews } from "../artifacts";
import { LineageClient } from "../client";
import { RunSelection } from "../services/selection";
import { LineageSettings } from "../services/settings";
import { SETTINGS_PLUGIN_ID } from "../settings";
import { IArtifactViewRegistry, ILineageClient, ILineageSettings, IRunSelection } from "../tokens";

namespace CommandIDs {
  export const openSettings = "tsematic:open-settings";
}

/** Owns schema/plugin.json; loads it once for every plugin. Also the command that edits it. */
export const settingsPlugin: JupyterFrontEndPlugin<ILineageSettings> = {
  id: SETTINGS_PLUGIN_ID,
  description: "The Tsematic settings (lineage server URL and token), loaded once.",
  autoStart: true,
  provides: ILineageSettings,
  optional: [ISettingRegistry, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null,
  ): ILineageSettings => {
    app.commands.addCommand(CommandIDs.openSettings, {
      label: "Tsematic Settings",
      caption: "Set the lineage server's URL and token",
      icon: settingsIcon,
      execute: () => app.commands.execute("settingeditor:open", { query: "Tsematic" }),
    });
    palette?.addItem({ command: CommandIDs.openSettings, category: "Tsematic" });
    // Not awaited: plugins that must have the user's values (a restored step panel) await
    // `ready`; the run view's renderer is registered at once, so outputs restored with the page
    // find it.
    return new LineageSettings({ registry });
  },
};

export const lineageClientPlugin: JupyterFrontEndPlugin<ILineageClient> = {
  id: "tsematic-jupyterlab:lineage-client",
  description: "The one client of the configured Tsematic lineage server.",
  autoStart: true,
  provides: ILineageClient,
  requires: [ILineageSettings],
  activate: (_app: JupyterFrontEnd, settings: ILineageSettings): ILineageClient =>
    new LineageClient({ settings: () => settings.current }),
};

export const runSelectionPlugin: JupyterFrontEndPlugin<IRunSelection> = {
  id: "tsematic-jupyterlab:run-selection",
  description: "The Tsematic run and step run the user has selected.",
  autoStart: true,
  provides: IRunSelection,
  activate: (): IRunSelection => new RunSelection(),
};

export const artifactViewRegistryPlugin: JupyterFrontEndPlugin<IArtifactViewRegistry> = {
  id: "tsematic-jupyterlab:artifact-view-registry",
  description: "The views of Tsematic artifacts by type name, open to other packages.",
  autoStart: true,
  provides: IArtifactViewRegistry,
  activate: (): IArtifactViewRegistry => new ArtifactViewRegistry(),
};

export const builtinArtifactViewsPlugin: JupyterFrontEndPlugin<void> = {
  id: "tsematic-jupyterlab:artifact-views",
  description:
    "The built-in artifact views: Arrow table grid, JSON tree, Vega-Lite plot, markdown, images, " +
    "binary, errors, and the summary of other types.",
  autoStart: true,
  requires: [IArtifactViewRegistry],
  activate: (_app: JupyterFrontEnd, views: IArtifactViewRegistry): void => {
    registerBuiltinViews(views);
  },
};
