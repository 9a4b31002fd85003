#!/usr/bin/env bash
# Runs a command with wrangler/miniflare kept fully offline: no telemetry, no update check,
# no cf.json fetch, and wrangler's config/cache kept inside the project. Without these, wrangler
# waits on hosts this machine cannot reach.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export XDG_CONFIG_HOME="${XDG_CONFIG_HOME_OVERRIDE:-$here/.wrangler/xdg}"
export WRANGLER_LOG_PATH="$here/.wrangler/logs"
export NO_UPDATE_NOTIFIER=1
mkdir -p "$XDG_CONFIG_HOME" "$WRANGLER_LOG_PATH"
exec "$@"
