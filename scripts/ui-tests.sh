#!/usr/bin/env bash
# Browser tests of the Tsematic extension in the real JupyterLab host, headless Debian Chromium.
# Installs what is missing (Debian packages as root, npm packages), builds what is stale (server,
# kernel library, extension, host: scripts/lab-prepare.sh), writes the tslab kernelspec, runs
# ui-tests/, and ends with one machine-readable line:
# Arguments go to `playwright test` (a file filter: `bash scripts/ui-tests.sh graph.spec.ts`).
#   UI_TESTS result=pass|fail passed=N failed=N flaky=N skipped=N prepare_s=S tests_s=S page_to_launcher_ms=MS
set -euo pipefail
cd "$(dirname "$0")/.."

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }

t=$(seconds)
bash scripts/lab-prepare.sh
prepare_s=$(elapsed "$t")

# The tslab kernelspec in a project-local Jupyter path (the notebook suite's setup).
kernels=$(bash scripts/setup-notebooks.sh)
export JUPYTER_PATH="$kernels${JUPYTER_PATH:+:$JUPYTER_PATH}"

# slurm-step.spec.ts starts a local Slurm cluster (server/src/slurm-cluster/): the Debian packages and
# its job user must be there (idempotent: at once when they are).
bash scripts/slurm-install.sh

node ./node_modules/typescript/bin/tsc -p ui-tests # Playwright strips types without checking them
rm -rf ui-tests/test-output
t=$(seconds)
status=0
# Its own process group, so that whatever a failed or timed-out run leaves behind is stopped below.
set -m
# UPDATE_SCREENSHOTS=1 rewrites the reference screenshots in ui-tests/screenshots/ (review the diff).
update=()
if [ "${UPDATE_SCREENSHOTS:-}" = 1 ]; then update=(--update-snapshots=changed); fi
# A stuck browser or server must not hold CI until its 90-minute limit; the whole suite (about 50
# specs, 15-20 min on a busy 2-core machine) stays well inside 40 min.
(cd ui-tests && exec timeout 2400 npx playwright test "${update[@]}" "$@") &
runner=$!
wait "$runner" || status=$?
set +m
kill -TERM -- "-$runner" 2>/dev/null || true
tests_s=$(elapsed "$t")

node - "$status" "$prepare_s" "$tests_s" <<'JS'
const fs = require("fs");
const [status, prepare, tests] = process.argv.slice(2);
const read = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {});
const stats = read("ui-tests/test-output/report.json").stats ?? {};
const metrics = read("ui-tests/test-output/metrics.json");
const fields = {
  result: status === "0" && stats.unexpected === 0 ? "pass" : "fail",
  passed: stats.expected ?? 0,
  failed: stats.unexpected ?? 0,
  flaky: stats.flaky ?? 0,
  skipped: stats.skipped ?? 0,
  prepare_s: prepare,
  tests_s: tests,
  page_to_launcher_ms: metrics.pageToLauncherMs ?? "n/a",
};
console.log("UI_TESTS " + Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(" "));
JS
exit "$status"
