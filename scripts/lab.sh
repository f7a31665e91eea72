#!/usr/bin/env bash
# Starts JupyterLab 4 (the host in lab/) with the Tsematic extension and the tslab kernel, on
# 127.0.0.1 with a login token, and prints the URL to open. Builds what is missing or stale.
#
#   bash scripts/lab.sh [folder to show, default: this checkout]
#
# Environment: TSEMATIC_LAB_PORT (default 8888); TSEMATIC_SERVER_URL and TSEMATIC_TOKEN name the
# lineage server the extension talks to when its settings leave them empty (npm start sets them).
# User settings and workspaces persist in .tsematic/lab.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/lab-setup.sh --no-browser
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build:labextension >/dev/null 2>&1 || npm run build:labextension # quiet unless it fails
bundle=lab/build/static/bundle.js
if [ ! -f "$bundle" ] || [ -n "$(find lab/src lab/build.mjs lab/package.json package-lock.json -newer "$bundle" | head -1)" ]; then
  npm run --silent build:host -w lab
fi

args=(--port "${TSEMATIC_LAB_PORT:-8888}" --state-dir .tsematic/lab --root-dir "${1:-$PWD}")
[ -n "${TSEMATIC_SERVER_URL:-}" ] && args+=("--page-config=tsematicServerUrl=$TSEMATIC_SERVER_URL")
[ -n "${TSEMATIC_TOKEN:-}" ] && args+=("--page-config=tsematicToken=$TSEMATIC_TOKEN")
# The tslab kernelspec in a project-local Jupyter path (shared with the notebook suite).
if kernels=$(bash scripts/setup-notebooks.sh); then
  export JUPYTER_PATH="$kernels${JUPYTER_PATH:+:$JUPYTER_PATH}"
else
  echo "lab: no tslab kernel (scripts/setup-notebooks.sh failed above); starting without it" >&2
fi
exec /usr/bin/python3 lab/serve.py "${args[@]}"
