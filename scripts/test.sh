#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, builds, lints, runs every suite,
# and ends with one line CI reads: "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci only when the lockfile changed since the last install: a fresh clone always installs.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

node scripts/generate-protocol.mjs --check
npm run build
node ./node_modules/typescript/bin/tsc -p extension/tsconfig.test.json
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }
node scripts/import-cycles.mjs

# Notebooks run with the real tslab kernel: Debian's nbclient and a project-local kernelspec.
bash scripts/setup-notebooks.sh >/dev/null

# The Slurm suites start their own local clusters (server/src/slurm-cluster/): the packages must be there.
bash scripts/slurm-install.sh

# One node --test run over every workspace's compiled tests; a TAP copy is kept for the summary.
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
suites=()
for dir in kernel-lib/lib server/lib tutorial-tests/lib lib/extension-tests; do
  [ -d "$dir" ] && suites+=("$dir")
done
node_status=0
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$results/node.tap" "${suites[@]}" || node_status=$?

# The extension in a real JupyterLab, headless Chromium, with the real lineage server and tslab.
ui_status=0
bash scripts/ui-tests.sh 2>&1 | tee "$results/ui.log" || ui_status=$?

node - "$results" "$node_status" "$ui_status" <<'JS'
const fs = require("fs");
const [dir, nodeStatus, uiStatus] = process.argv.slice(2);
const tap = fs.readFileSync(`${dir}/node.tap`, "utf8");
const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, "m")) ?? [])[1] ?? 0);
const ui = (fs.readFileSync(`${dir}/ui.log`, "utf8").match(/^UI_TESTS .*$/m) ?? [""])[0];
const field = (name) => Number((ui.match(new RegExp(`\\b${name}=(\\d+)`)) ?? [])[1] ?? 0);
const passed = count("pass") + field("passed");
// A suite that failed without counting a failed test (a crash, a failed build) still counts as one.
const nodeFailed = count("fail") + count("cancelled") || (nodeStatus !== "0" ? 1 : 0);
const uiFailed = field("failed") || (uiStatus !== "0" ? 1 : 0);
const failed = nodeFailed + uiFailed;
console.log(`node tests: ${count("pass")} passed, ${count("fail")} failed; browser tests: ${ui || "did not report"}`);
console.log(`${passed} passed, ${failed} failed`);
JS
if [ "$node_status" -ne 0 ] || [ "$ui_status" -ne 0 ]; then exit 1; fi
