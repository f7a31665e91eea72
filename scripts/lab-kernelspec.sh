#!/usr/bin/env bash
# Writes the tslab kernelspec into a project-local Jupyter path and prints that path, for
# JUPYTER_PATH. `npx tslab install` cannot be used here (it calls the python first on PATH, not
# Debian's). Prints nothing and fails when tslab is not installed at the root.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
[ -f node_modules/tslab/bin/tslab ] || { echo "tslab is not installed: run npm ci" >&2; exit 1; }

jupyter_path="$root/.tsematic/jupyter"
spec="$jupyter_path/kernels/tslab"
mkdir -p "$spec"
node - "$spec/kernel.json" "$root/node_modules/tslab/bin/tslab" <<'JS'
const [file, tslab] = process.argv.slice(2);
const spec = {
  argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
  display_name: "TypeScript (tslab)",
  language: "typescript",
};
require("fs").writeFileSync(file, JSON.stringify(spec, null, 2) + "\n");
JS
echo "$jupyter_path"
