#!/usr/bin/env bash
# Installs what Tandem needs, idempotently: npm packages always; with --test also the Debian
# packages the tests drive (Chromium for browser tests, python3-requests for the Python example).
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci only when the lock changed since the last install (or nothing is installed yet).
stamp=node_modules/.tandem-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

if [ "${1:-}" = "--test" ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  python3 -c 'import requests' 2>/dev/null || need+=(python3-requests)
  if [ ${#need[@]} -gt 0 ]; then
    echo "Installing Debian packages: ${need[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi
