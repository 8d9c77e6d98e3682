#!/usr/bin/env bash
# The whole suite: build (the CLI, multi-instance and browser tests run dist/), then every jest project.
# Jest's summary reporter prints per-project counts and, last, the plain line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output
rm -rf test-output/logs test-output/summary.txt
if ! npm run build; then
  echo "build failed"
  echo "0 passed, 1 failed" | tee test-output/summary.txt
  exit 1
fi
npx jest --ci --maxWorkers=2 "$@"
rc=$?
# Jest prints its own totals after the reporters: repeat the plain line so it is the last one.
if [ -f test-output/summary.txt ]; then cat test-output/summary.txt; else echo "0 passed, 1 failed"; [ $rc -eq 0 ] && rc=1; fi
exit $rc
