#!/usr/bin/env bash
# Type checks the repository: tsconfig.json checks everything in one program; each package's own
# tsconfig.json then checks its code against its one environment (browser packages with DOM types
# only, Node packages with Node types only, the protocol with neither).
set -euo pipefail
cd "$(dirname "$0")/.."
npx --no-install tsc -p tsconfig.json --noEmit
for pkg in protocol sdk agent server client; do
  npx --no-install tsc -p "packages/$pkg/tsconfig.json" --noEmit
done
