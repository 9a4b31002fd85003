#!/usr/bin/env bash
# Browser end-to-end tests: Debian's Chromium (installed when absent, as root) driven by
# playwright-core against `wrangler dev`. Screenshots land in test-results/e2e/ (git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's 'chromium' package (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi
exec bash scripts/offline.sh vitest run --config vitest.e2e.config.ts "$@"
