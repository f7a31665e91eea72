#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, builds, lints, runs every suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci only when the lockfile changed since the last install: a fresh clone always installs.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npm run build
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

# Notebooks run with the real tslab kernel: Debian's nbclient and a project-local kernelspec.
bash scripts/setup-notebooks.sh >/dev/null

# One node --test run over every workspace's compiled tests, so CI reads a single summary.
suites=()
for dir in kernel-lib/lib server/lib tutorials/lib; do
  [ -d "$dir" ] && suites+=("$dir")
done
node --test --test-reporter=spec "${suites[@]}"
