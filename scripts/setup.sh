#!/usr/bin/env bash
# Installs what Tandem needs, idempotently: npm packages always; with --test also the Debian
# packages the tests drive (Chromium for browser tests; requests, setuptools, wheel, pip and venv
# for the Python client, which its tests pip-install offline into a fresh venv; nginx, the
# cluster tests' balancer); with --cluster only nginx (`npm run cluster`). Tandem never uses the
# system's nginx service: it runs nginx as a child with its own config in a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci only when the lock changed since the last install (or nothing is installed yet).
stamp=node_modules/.tandem-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

need=()
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--cluster" ]; then
  [ -x /usr/sbin/nginx ] || need+=(nginx)
fi
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  python3 -c 'import requests' 2>/dev/null || need+=(python3-requests)
  # The same probe as packages/client-python/test/python-venv.ts: python3, or else Debian's own.
  build_tools='import requests, setuptools, wheel, pip, venv'
  if ! python3 -c "$build_tools" 2>/dev/null && ! /usr/bin/python3 -c "$build_tools" 2>/dev/null; then
    need+=(python3 python3-requests python3-setuptools python3-wheel python3-pip python3-venv)
  fi
  # PyJWT with its crypto backend: the consent-receipt recipe (examples/python/verify_receipts.py).
  if ! python3 -c 'import jwt, cryptography' 2>/dev/null && ! /usr/bin/python3 -c 'import jwt, cryptography' 2>/dev/null; then
    need+=(python3-jwt python3-cryptography)
  fi
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
