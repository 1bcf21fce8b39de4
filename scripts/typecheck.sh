#!/usr/bin/env bash
# Type checks the repository: tsconfig.json checks everything in one program; each package's own
# tsconfig.json then checks its code against its one environment (browser packages with DOM types
# only, Node packages with Node types only, the protocol with neither). Two checks at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
printf '%s\n' tsconfig.json packages/{protocol,sdk,agent,server,client}/tsconfig.json |
  xargs -P 2 -I{} npx --no-install tsc -p {} --noEmit
