#!/usr/bin/env bash
# Prepares a real Docker engine for the docker integration tests (run as root, idempotent):
# installs docker.io and busybox-static when missing, starts dockerd when no engine answers,
# and builds the tiny test image runner-warden-test/busybox:latest from the static busybox
# (no registry is reachable on these machines, so nothing is pulled).
set -euo pipefail

IMAGE=runner-warden-test/busybox:latest
LOG=/var/log/runner-warden-test-dockerd.log
WAIT_SECONDS=60

if [ "$(id -u)" -ne 0 ]; then
  echo "20-docker.sh: must run as root" >&2
  exit 1
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x /bin/busybox ] || missing+=(busybox-static)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

if ! engine_answers; then
  # No bridge, no iptables: these machines may lack the netfilter modules, and tests need no NAT.
  nohup dockerd --bridge=none --iptables=false --ip-masq=false >>"$LOG" 2>&1 </dev/null &
  for _ in $(seq 1 "$WAIT_SECONDS"); do
    engine_answers && break
    sleep 1
  done
  if ! engine_answers; then
    echo "20-docker.sh: dockerd did not answer within ${WAIT_SECONDS}s; last log lines:" >&2
    tail -n 20 "$LOG" >&2 || true
    exit 1
  fi
fi

if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  workdir=$(mktemp -d)
  trap 'rm -rf "$workdir"' EXIT
  mkdir -p "$workdir/rootfs/bin"
  cp /bin/busybox "$workdir/rootfs/bin/busybox"
  for tool in sh sleep cat true; do ln -s busybox "$workdir/rootfs/bin/$tool"; done
  tar -C "$workdir/rootfs" -cf "$workdir/rootfs.tar" .
  docker import --change 'CMD ["/bin/sleep", "3600"]' "$workdir/rootfs.tar" "$IMAGE" >/dev/null
fi
echo "20-docker.sh: engine ready, image $IMAGE present"
