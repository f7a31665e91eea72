// Entry of the host bundle. Runs before anything else is loaded, so it has no imports.
//
// 1. Chunks are served from wherever the server put the bundle (page config `fullStaticUrl`).
// 2. Prebuilt (federated) extensions found by the server in its labextensions path are loaded and
//    joined to the shared-module scope first, so that the version negotiation sees every provider.
// 3. Only then the application module is imported and started.

/* global __webpack_init_sharing__, __webpack_share_scopes__ */

const pageConfig = JSON.parse(document.getElementById("jupyter-config-data")?.textContent || "{}");

// eslint-disable-next-line no-undef
__webpack_public_path__ = `${pageConfig.fullStaticUrl}/`;

function addScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.async = true;
    script.addEventListener("load", resolve);
    script.addEventListener("error", () => reject(new Error(`could not load ${url}`)));
    script.src = url;
    document.head.appendChild(script);
  });
}

async function joinSharedScope(extension) {
  await addScript(`${pageConfig.fullLabextensionsUrl}/${extension.name}/${extension.load}`);
  await __webpack_init_sharing__("default");
  await window._JUPYTERLAB[extension.name].init(__webpack_share_scopes__.default);
}

async function bootstrap() {
  const federated = pageConfig.federated_extensions || [];
  const results = await Promise.allSettled(federated.map(joinSharedScope));
  results.forEach((result, i) => {
    if (result.status === "rejected") {
      console.error(`Prebuilt extension ${federated[i].name} failed to load:`, result.reason);
    }
  });
  const { start } = await import("./main.js");
  await start(federated.filter((_, i) => results[i].status === "fulfilled"));
}

void bootstrap();
