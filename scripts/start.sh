#!/usr/bin/env bash
# Starts Tandem on its embedded database (PGlite in ./.data). The first start prints the API
# client's credentials once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-bundles.sh
exec npx --no-install tsx examples/outbound-dialer/start-demo.ts
