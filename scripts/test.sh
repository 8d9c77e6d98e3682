#!/usr/bin/env bash
# The whole suite: build (the CLI, multi-instance and browser tests run dist/), then every jest project.
# Prints per-project counts and, last, the plain summary line "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
npm run build || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
mkdir -p test-output
rm -rf test-output/logs
status=0
npx jest --ci --maxWorkers=2 --json --outputFile=test-output/jest-results.json "$@" || status=$?
node scripts/test-summary.mjs test-output/jest-results.json || status=1
exit $status
