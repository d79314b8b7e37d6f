#!/usr/bin/env bash
# Installs the project's npm dependencies exactly as locked.
set -euo pipefail
cd "$(dirname "$0")/../.."
node -e 'const [maj, min] = process.versions.node.split(".").map(Number); if (maj < 20 || (maj === 20 && min < 18)) { console.error(`Node >= 20.18 needed, found ${process.version}`); process.exit(1); }'
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
