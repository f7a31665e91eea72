#!/usr/bin/env bash
# Makes the machine able to execute notebooks headlessly with the tslab kernel. Idempotent and fast when
# already done (no apt call at all then). Prints the JUPYTER_PATH to use.
#
# - Debian's python3-nbclient (the executor runs with /usr/bin/python3: only it sees Debian's packages).
# - A tslab kernelspec in a project-local Jupyter path (`npx tslab install` calls the pyenv python and fails),
#   pointing at this checkout's node and node_modules/tslab (one copy, installed at the root).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

if ! /usr/bin/python3 -c "import nbclient, nbformat, jupyter_client" 2>/dev/null; then
  echo "setup-notebooks: installing python3-nbclient (Debian)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends \
    python3-nbclient >&2
fi

if [ ! -f node_modules/tslab/bin/tslab ]; then
  echo "setup-notebooks: node_modules/tslab is missing: run npm ci at the repository root first" >&2
  exit 1
fi

jupyter_path="$root/.jupyter-test/share"
spec_dir="$jupyter_path/kernels/tslab"
node_bin="$(command -v node)"
spec=$(printf '{\n  "argv": ["%s", "%s", "kernel", "--config-path", "{connection_file}"],\n  "display_name": "TypeScript (tslab)",\n  "language": "typescript"\n}\n' \
  "$node_bin" "$root/node_modules/tslab/bin/tslab")
if [ ! -f "$spec_dir/kernel.json" ] || [ "$(cat "$spec_dir/kernel.json")" != "$spec" ]; then
  mkdir -p "$spec_dir"
  printf '%s\n' "$spec" >"$spec_dir/kernel.json.tmp"
  mv "$spec_dir/kernel.json.tmp" "$spec_dir/kernel.json"
fi
echo "$jupyter_path"
