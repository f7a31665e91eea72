// Pins every JupyterLab front-end package of this repository to one JupyterLab release.
//
// The set comes from `@jupyterlab/core-meta`'s core.package.json (its `resolutions`): @jupyterlab/* packages
// are pinned exactly (the registry lacks some newer patch versions, and mixed patch levels break singletons),
// other shared packages (Lumino, CodeMirror, React...) keep the release's range. The result is written to the
// root `overrides` (so every nested dependency gets the same copy) and to the matching entries of the
// dependencies of the root (the extension), lab/ and ui-tests/.
//
// Usage, after changing the core-meta version in the root devDependencies and installing it once:
//   node lab/scripts/pin-core.mjs [path/to/core.package.json] && npm install
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const corePath =
  process.argv[2] ?? join(root, "node_modules/@jupyterlab/core-meta/core.package.json");
const core = JSON.parse(readFileSync(corePath, "utf8"));

/** Versions that differ from the release's range, with the reason (environment.md). */
const EXCEPTIONS = {
  // 2.50.0 overflows the stack: notebooks never open.
  "@microsoft/fast-foundation": "2.49.4",
  // 13.6 floods the console with 'Not same Y.Doc'.
  yjs: "13.5.49",
};
/** Build-tool overrides: rspack 2 needs these loader majors. */
const TOOLING = {
  "css-loader": "^7.1.4",
  "style-loader": "^4.0.0",
  // The registry this project uses has every platform binding of 2.2.9 but only the Linux ones of
  // 2.3.x, and a lockfile missing optional bindings makes `npm ci` fail.
  "@rspack/core": "2.2.9",
};

const pins = {};
for (const [name, range] of Object.entries({ ...core.dependencies, ...core.resolutions })) {
  pins[name] =
    EXCEPTIONS[name] ?? (name.startsWith("@jupyterlab/") ? range.replace(/^[~^]/, "") : range);
}

function update(file, edit) {
  const path = join(root, file);
  const data = JSON.parse(readFileSync(path, "utf8"));
  edit(data);
  writeFileSync(path, JSON.stringify(data, null, 2) + "\n");
}

const repin = (deps = {}) => {
  for (const name of Object.keys(deps)) if (pins[name]) deps[name] = pins[name];
};

update("package.json", (pkg) => {
  repin(pkg.dependencies);
  repin(pkg.devDependencies);
  pkg.overrides = Object.fromEntries(
    Object.entries({ ...pins, ...TOOLING }).sort(([a], [b]) => a.localeCompare(b)),
  );
});
for (const file of ["lab/package.json", "ui-tests/package.json"]) {
  update(file, (pkg) => {
    repin(pkg.dependencies);
    repin(pkg.devDependencies);
  });
}
console.log(`pinned ${Object.keys(pins).length} packages to JupyterLab ${core.version}`);
