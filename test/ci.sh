#!/usr/bin/env bash
# Sets up this machine for the test suites and runs them all: the README's test command.
# Each test/setup.d script is idempotent (installs packages, starts dockerd when none runs...).
set -euo pipefail
cd "$(dirname "$0")/.."
for step in test/setup.d/*.sh; do
  echo "== setup: $step"
  bash "$step"
done
npm test
