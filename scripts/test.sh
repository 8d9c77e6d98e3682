#!/usr/bin/env bash
# The whole suite: lint (ESLint with the module-graph rules, Prettier), build (the CLI, multi-instance and browser tests run dist/), then every jest project.
# Jest's summary reporter prints per-project counts and, last, the plain line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-output
rm -rf test-output/logs test-output/secrets test-output/dbs test-output/summary.txt test-output/summary.json
# The test factory keeps the SQLite files (and dumps the Postgres rows) in test-output/dbs for the hygiene scan.
export KEEP_TEST_DBS=1
if ! npm run lint; then
  echo "lint failed"
  echo "0 passed, 1 failed" | tee test-output/summary.txt
  exit 1
fi
if ! npm run build; then
  echo "build failed"
  echo "0 passed, 1 failed" | tee test-output/summary.txt
  exit 1
fi
npx jest --ci --maxWorkers=2 "$@"
rc=$?
# Last, alone: every secret the run used is looked for in its logs and databases (jest project "hygiene").
JEST_HYGIENE=1 JEST_SUMMARY_APPEND=1 npx jest --ci --selectProjects hygiene || rc=1
# Jest prints its own totals after the reporters: repeat the plain line so it is the last one.
if [ -f test-output/summary.txt ]; then cat test-output/summary.txt; else echo "0 passed, 1 failed"; [ $rc -eq 0 ] && rc=1; fi
exit $rc
