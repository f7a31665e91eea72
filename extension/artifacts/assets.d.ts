// duckdb-wasm's worker scripts and .wasm files are emitted as the extension's own static assets
// (webpack.config.js at the repository root): importing one gives its URL.
declare module "@duckdb/duckdb-wasm/dist/*.wasm" {
  const url: string;
  export default url;
}
declare module "@duckdb/duckdb-wasm/dist/*.worker.js" {
  const url: string;
  export default url;
}
