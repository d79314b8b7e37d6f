#!/usr/bin/env bash
# Command-line tools some suites use as oracles or harnesses (run as root, idempotent):
# ssh-keygen (key fingerprints are checked against it), script (a real terminal for the CLI),
# strace (what the process really opens, native code included) and a C compiler (the native
# addon is optional for users, but the suites test it, so the build must make it).
set -euo pipefail
missing=()
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v script >/dev/null 2>&1 || missing+=(bsdutils)
command -v strace >/dev/null 2>&1 || missing+=(strace)
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "15-tools.sh: missing ${missing[*]}; run as root to install" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
