// Extra bundler rules for the prebuilt extension (package.json "jupyterlab.webpackConfig").
// duckdb-wasm's worker scripts and .wasm files become the extension's own static assets, served by
// JupyterLab next to its code: the SQL box works without internet (no CDN).
module.exports = {
  module: {
    rules: [
      { test: /duckdb-[a-z]+\.wasm$/, type: "asset/resource" },
      { test: /duckdb-browser-[a-z]+\.worker\.js$/, type: "asset/resource" },
    ],
  },
};
