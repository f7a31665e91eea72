#!/usr/bin/env bash
# The inner loop: an incremental build, then every node test that starts no process, no server and no
# kernel (scripts/unit-test-files.mjs decides from each test's source). No lint, no browser, no
# notebooks, no Slurm: `npm test` runs everything. Extra arguments go to `node --test` (e.g.
# --test-name-pattern=cache).
set -euo pipefail
cd "$(dirname "$0")/.."

start=$(date +%s.%N)
# The wire types match server/openapi.yaml (a stale wire.ts would type-check against an old contract).
node scripts/generate-protocol.mjs --check
tsc=./node_modules/typescript/bin/tsc
node "$tsc" -p kernel-lib --incremental
node "$tsc" -p server --incremental
node "$tsc" -p extension/tsconfig.test.json --incremental
built=$(date +%s.%N)

mapfile -t files < <(node scripts/unit-test-files.mjs)
status=0
# Four files at once: most wait on sockets and sqlite, not the CPU (2 cores ran them one by one).
node --test --test-concurrency=4 --test-reporter=dot "$@" "${files[@]}" || status=$?
end=$(date +%s.%N)
awk -v s="$start" -v b="$built" -v e="$end" -v n="${#files[@]}" \
  'BEGIN { printf "test:unit: %d files; build %.1f s, tests %.1f s\n", n, b - s, e - b }'
exit "$status"
