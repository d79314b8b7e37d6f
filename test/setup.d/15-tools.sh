#!/usr/bin/env bash
# Command-line tools some suites use as oracles or harnesses (run as root, idempotent):
# ssh-keygen (key fingerprints are checked against it) and script (a real terminal for the CLI).
set -euo pipefail
missing=()
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "15-tools.sh: missing ${missing[*]}; run as root to install" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
