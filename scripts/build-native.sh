#!/usr/bin/env bash
# Builds dist/native/runner-warden.node (native/*.c): the openat/fstatat/readlinkat calls safe-fs
# uses when it can (agent/lib/dir-syscalls.ts) and the build-dir walk's working-copy probe. It is optional: without a C compiler the build goes on, and scans
# reach files through /proc/self/fd paths instead (same results, slower on big build dirs).
# A compiler that is present but fails is an error: that is our code, not the host.
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist/native/runner-warden.node
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "runner-warden: no C compiler ($cc): native file access not built; scans use the portable /proc/self/fd path" >&2
  rm -f "$out"
  exit 0
fi
headers=$(node -p "require('node-api-headers').include_dir")
mkdir -p "$(dirname "$out")"
"$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -fPIC -shared -pthread -fvisibility=hidden \
  -D_FORTIFY_SOURCE=2 -fstack-protector-strong -Wl,-z,relro,-z,now \
  -I"$headers" -o "$out.tmp" native/*.c
mv "$out.tmp" "$out"
