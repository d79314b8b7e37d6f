#!/usr/bin/env bash
# Sets up this machine for the test suites and runs them all: the README's test command.
# Each test/setup.d script is idempotent (installs packages, starts dockerd when none runs...).
set -euo pipefail
cd "$(dirname "$0")/.."
for step in test/setup.d/*.sh; do
  echo "== setup: $step"
  bash "$step"
done
results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0
npm test -- --reporter=default --reporter=json --outputFile.json="$results" || status=$?
# One plain closing line, whatever the reporter printed above it.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$results" || true
exit "$status"
