// The application: JupyterLab with the plugins bundled into the host (generated list) and the
// prebuilt extensions the bootstrap loaded.
import { JupyterLab } from "@jupyterlab/application";
import { PageConfig } from "@jupyterlab/coreutils";

import { extensions, mimeExtensions, styles } from "../build/generated/plugins.js";

/** Plugins that need a server part Debian's jupyter_server does not have. */
const UNSUPPORTED = [
  "@jupyterlab/fileeditor-extension:language-server",
  "@jupyterlab/notebook-extension:language-server",
  // Asks to fetch news from jupyter.org; the host talks to nothing but its own server.
  "@jupyterlab/apputils-extension:announcements",
];

function isDisabled(id) {
  return UNSUPPORTED.includes(id) || PageConfig.Extension.isDisabled(id);
}

/** The plugins of an extension module (ES or CommonJS, one plugin or a list), minus disabled ones. */
function pluginsOf(module, disabled) {
  const exported = Object.prototype.hasOwnProperty.call(module, "__esModule")
    ? module.default
    : module;
  const plugins = Array.isArray(exported) ? exported : [exported];
  return plugins.filter((plugin) => {
    if (isDisabled(plugin.id)) {
      disabled.push(plugin.id);
      return false;
    }
    return true;
  });
}

async function federatedModule(scope, module) {
  const factory = await window._JUPYTERLAB[scope].get(module);
  return factory();
}

/** Settle every loader; a broken extension is reported and skipped, the others still start. */
async function settle(loaders) {
  const results = await Promise.allSettled(loaders.map((load) => load()));
  return results.flatMap((result) => {
    if (result.status === "fulfilled") {
      return [result.value];
    }
    console.error("Extension failed to load:", result.reason);
    return [];
  });
}

export async function start(federated) {
  const names = new Set(federated.map((ext) => ext.name));
  const bundled = (loaders) =>
    Object.entries(loaders)
      .filter(([name]) => !names.has(name))
      .map(([, load]) => load);
  const fromFederated = (key) =>
    federated.filter((ext) => ext[key]).map((ext) => () => federatedModule(ext.name, ext[key]));

  const [extensionModules, mimeModules] = await Promise.all([
    settle([...bundled(extensions), ...fromFederated("extension")]),
    settle([...bundled(mimeExtensions), ...fromFederated("mimeExtension")]),
    settle([...styles, ...fromFederated("style")]),
  ]);

  const disabled = [];
  const lab = new JupyterLab({
    mimeExtensions: mimeModules.flatMap((module) => pluginsOf(module, disabled)),
    disabled: {
      matches: disabled,
      patterns: PageConfig.Extension.disabled.map((pattern) => pattern.raw),
    },
  });
  lab.registerPlugins(extensionModules.flatMap((module) => pluginsOf(module, disabled)));
  if (PageConfig.getOption("exposeAppInBrowser") === "true") {
    // Galata (ui-tests) drives the application through this global.
    window.jupyterapp = lab;
  }
  await lab.start();
  await lab.restored;
}
