#!/usr/bin/env bash
# Makes the JupyterLab host runnable: Debian packages (scripts/lab-setup.sh; arguments are passed on),
# npm packages, and a build of whatever is missing or older than its sources: the lineage server and
# the kernel library (notebooks import it), the prebuilt extension, the host bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/progress.sh
source scripts/progress.sh

bash scripts/lab-setup.sh "$@"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  phase "installing npm packages (npm ci; 2 to 4 minutes on 2 cores, only when package-lock.json changed)" \
    npm ci --no-audit --no-fund
fi

# stale <built file> <sources...>: the built file is missing or a source is newer.
stale() {
  local built=$1
  shift
  [ ! -e "$built" ] || [ -n "$(find "$@" -newer "$built" -print -quit)" ]
}

for workspace in server kernel-lib; do
  if stale "$workspace/lib/index.js" "$workspace/src" "$workspace/package.json"; then
    phase "building $workspace" npm run --silent build -w "$workspace"
  fi
done
if stale tsematic_labextension/package.json extension schema style install.json package.json; then
  phase "building the JupyterLab extension" npm run --silent build:labextension
fi
if stale lab/build/static/bundle.js lab/src lab/build.mjs lab/package.json package-lock.json; then
  phase "building the JupyterLab host" npm run --silent build:host -w lab
fi
