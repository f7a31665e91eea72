#!/usr/bin/env bash
# Makes the JupyterLab host runnable: Debian packages (scripts/lab-setup.sh; arguments are passed on),
# npm packages, and a build of whatever is missing or older than its sources: the lineage server and
# the kernel library (notebooks import it), the prebuilt extension, the host bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/lab-setup.sh "$@"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
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
    npm run --silent build -w "$workspace"
  fi
done
if stale tsematic_labextension/package.json extension schema style install.json package.json; then
  npm run --silent build:labextension >/dev/null 2>&1 || npm run build:labextension # quiet unless it fails
fi
if stale lab/build/static/bundle.js lab/src lab/build.mjs lab/package.json package-lock.json; then
  npm run --silent build:host -w lab
fi
