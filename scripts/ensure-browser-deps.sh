#!/usr/bin/env bash
# Installs what the browser tests (tests/browser) need, only when it is missing:
# Debian Chromium (via ensure-sysdeps.sh) and axe-core from the npm lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-sysdeps.sh
if ! command -v npm >/dev/null 2>&1; then
  echo "Installing system packages: nodejs npm"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
# npm ci reinstalls from scratch, so skip it when the locked version is already there.
want=$(node -p "require('./package-lock.json').packages['node_modules/axe-core'].version")
have=$(node -p "try { require('./node_modules/axe-core/package.json').version } catch (e) { '' }")
if [ "$want" != "$have" ]; then
  npm ci --no-audit --no-fund --silent
fi
