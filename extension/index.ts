/**
 * Tsematic's JupyterLab extension: the list of its plugins, and the tokens of the services they
 * share (extension/tokens.ts), which plugins of other packages may require too.
 */
import type { JupyterFrontEndPlugin } from "@jupyterlab/application";

import commandsPlugin from "./plugins/commands";
import { graphTabPlugin } from "./plugins/graph-tab";
import { runViewMimePlugin } from "./plugins/mime";
import { rerunPlugin } from "./plugins/rerun";
import { pipelinePlugins } from "./plugins/pipeline";
import { promotePlugin } from "./plugins/promote";
import { runsPanelPlugin } from "./plugins/runs";
import {
  artifactViewRegistryPlugin,
  builtinArtifactViewsPlugin,
  lineageClientPlugin,
  runSelectionPlugin,
  settingsPlugin,
} from "./plugins/services";
import { stepPlugin } from "./plugins/step";
import { stillRunningStepsPlugin } from "./plugins/still-running";

export * from "./tokens";

const plugins: JupyterFrontEndPlugin<unknown>[] = [
  settingsPlugin,
  lineageClientPlugin,
  runSelectionPlugin,
  artifactViewRegistryPlugin,
  builtinArtifactViewsPlugin,
  stillRunningStepsPlugin,
  runsPanelPlugin,
  commandsPlugin,
  stepPlugin,
  runViewMimePlugin,
  rerunPlugin,
  promotePlugin,
  graphTabPlugin,
  ...pipelinePlugins,
];

export default plugins;
