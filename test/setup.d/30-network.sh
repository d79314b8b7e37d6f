#!/usr/bin/env bash
# Tools the network tests use (run as root, idempotent): iproute2 for the test's own network
# namespaces and veth pairs, iptables and nftables so real iptables-save / nft output is parsed
# (rules are only ever written inside those namespaces, never on the machine itself).
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "30-network.sh: must run as root" >&2
  exit 1
fi

missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
command -v iptables-save >/dev/null 2>&1 || missing+=(iptables)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
