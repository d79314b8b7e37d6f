#!/bin/sh
# Prints the exposure score of the shipped unit as systemd-analyze computes it offline
# (static analysis of the unit file; no running systemd needed), e.g. "1.9".
# With --details, the whole table goes to stderr first.
set -eu
unit="${UNIT:-$(dirname "$0")/../systemd/runner-warden.service}"
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-exposure: systemd-analyze not found (install the systemd package)" >&2
  exit 2
fi
report="$(systemd-analyze security --offline=yes "$unit" 2>&1)" || true
[ "${1:-}" = "--details" ] && printf '%s\n' "$report" >&2
score="$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for .*: \([0-9][0-9.]*\) .*/\1/p' | tail -n 1)"
if [ -z "$score" ]; then
  printf '%s\n' "$report" >&2
  echo "systemd-exposure: no score in systemd-analyze output" >&2
  exit 1
fi
echo "$score"
