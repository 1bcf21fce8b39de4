#!/usr/bin/env bash
# Runs every test: lint, type check, unit and integration tests (PGlite and the Postgres server),
# the Python example against a live server, and browser end-to-end tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
npm run --silent lint
bash scripts/build-bundles.sh
bash scripts/typecheck.sh
mapfile -t files < <(find packages examples e2e bench scripts -name '*.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx --test --test-concurrency=3 --test-force-exit --test-timeout=300000 --test-reporter=spec "${files[@]}"
