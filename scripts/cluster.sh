#!/usr/bin/env bash
# `npm run cluster`: three Tandem nodes behind nginx (round robin, no sticky sessions) on the
# machine's Postgres (database tandem_cluster) and Redis, with the demo around them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --cluster
bash scripts/build-bundles.sh
bash scripts/services.sh
exec npx --no-install tsx scripts/cluster/start-cluster.ts
