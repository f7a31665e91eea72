#!/usr/bin/env bash
# Sourced by the set-up scripts: `phase "what" command...` says what is being done, runs the command
# with its output kept in .tsematic/logs/ (shown in full only when it fails), says every 15 s that it
# is still going, and ends with how long it took. A newcomer's first `npm start` spends minutes here:
# silence would look like a hang.

phase() {
  local what=$1
  shift
  mkdir -p .tsematic/logs
  local log
  log=".tsematic/logs/$(echo "$what" | tr -c 'a-zA-Z0-9\n' '-' | tr -s '-' | sed 's/-$//').log"
  local start=$SECONDS
  echo "tsematic: $what ..."
  "$@" >"$log" 2>&1 &
  local job=$!
  while kill -0 "$job" 2>/dev/null; do
    local waited=0
    while [ $waited -lt 15 ] && kill -0 "$job" 2>/dev/null; do
      sleep 1
      waited=$((waited + 1))
    done
    if kill -0 "$job" 2>/dev/null; then echo "tsematic:   ... still working ($((SECONDS - start)) s)"; fi
  done
  local status=0
  wait "$job" || status=$?
  if [ $status -ne 0 ]; then
    cat "$log" >&2
    echo "tsematic: $what failed (exit $status); the output above is also in $log" >&2
    return $status
  fi
  echo "tsematic:   done in $((SECONDS - start)) s"
}
