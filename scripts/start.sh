#!/usr/bin/env bash
# npm start: the lineage server, and JupyterLab 4 with the Tsematic extension and the tslab kernel,
# on the first tutorial; prints the URL (and opens it when there is a display). Ctrl-C stops both.
#
# Environment: TSEMATIC_HOME (the server's sqlite, artifacts and token; default ~/.tsematic),
# TSEMATIC_PORT (lineage server, default 8765), TSEMATIC_LAB_PORT (JupyterLab, default 8888).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/lab-prepare.sh --no-browser

data_dir="${TSEMATIC_HOME:-$HOME/.tsematic}"
lab_port="${TSEMATIC_LAB_PORT:-8888}"
if [ "$lab_port" = 0 ]; then # the server must know the page's origin: pick the port now
  lab_port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})')
fi
mkdir -p .tsematic
log=.tsematic/lineage-server.log
# Made before the server starts: the loop below reads it at once, and the background redirection may not
# have created it yet (sed then printed "can't read" on a loaded machine).
: >"$log"

echo "tsematic: starting the lineage server ..."
node server/lib/cli.js server --port "${TSEMATIC_PORT:-8765}" --data-dir "$data_dir" \
  --cors-origin "http://127.0.0.1:$lab_port" --cors-origin "http://localhost:$lab_port" >"$log" 2>&1 &
server=$!
lab=""
# Whatever ends this script (Ctrl-C, SIGTERM, JupyterLab quitting) stops both servers.
trap 'kill $lab "$server" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url=""
for _ in $(seq 100); do
  url=$(sed -n 's/^Tsematic lineage server listening on \(.*\)$/\1/p' "$log")
  [ -n "$url" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$log" >&2
    echo "npm start: the lineage server did not start (its message is above). A port in use: set" \
      "TSEMATIC_PORT; another server on $data_dir: stop it, or set TSEMATIC_HOME to another folder." >&2
    exit 1
  fi
  sleep 0.1
done
[ -n "$url" ] || { echo "npm start: the lineage server did not start in 10 s: see $log" >&2; exit 1; }

echo "Lineage server: $url (data in $data_dir, log in $log)"
echo "tsematic: starting JupyterLab ..."
TSEMATIC_URL="$url" TSEMATIC_TOKEN="$(cat "$data_dir/token")" TSEMATIC_HOME="$data_dir" \
  TSEMATIC_LAB_PORT="$lab_port" bash scripts/lab.sh --quiet --open tutorials/01-first-pipeline.ipynb &
lab=$!
wait "$lab" # in the background and waited for, so that signals reach the traps at once
