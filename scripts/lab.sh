#!/usr/bin/env bash
# Starts JupyterLab 4 (the host in lab/) with the Tsematic extension and the tslab kernel, on
# 127.0.0.1 with a login token, and prints the URL to open. Builds what is missing or stale.
#
#   bash scripts/lab.sh [lab/serve.py options, e.g. --root-dir DIR --open tutorials/01-first-pipeline.ipynb]
#
# Environment: TSEMATIC_LAB_PORT (default 8888); TSEMATIC_URL and TSEMATIC_TOKEN name the lineage
# server that the notebooks' kernels and (unless its settings say otherwise) the extension use;
# npm start sets them.
# User settings and workspaces persist in .tsematic/lab.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/lab-prepare.sh --no-browser

args=(--port "${TSEMATIC_LAB_PORT:-8888}" --state-dir .tsematic/lab --root-dir "$PWD")
# The tslab kernelspec in a project-local Jupyter path (shared with the notebook suite).
if kernels=$(bash scripts/setup-notebooks.sh); then
  export JUPYTER_PATH="$kernels${JUPYTER_PATH:+:$JUPYTER_PATH}"
else
  echo "lab: no tslab kernel (scripts/setup-notebooks.sh failed above); starting without it" >&2
fi
exec /usr/bin/python3 lab/serve.py "${args[@]}" "$@"
