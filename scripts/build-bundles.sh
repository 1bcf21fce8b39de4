#!/usr/bin/env bash
# Builds the browser bundles the server hands out: the SDK (loader + capture) and the agent console.
set -euo pipefail
cd "$(dirname "$0")/.."
for pkg in sdk agent; do
  if [ -f "packages/$pkg/build.ts" ]; then
    npx --no-install tsx "packages/$pkg/build.ts"
  fi
done
