#!/bin/sh
# One-shot: turns secrets from the environment (observability/.env) into files that Prometheus and
# Alertmanager read (their configs cannot read environment variables). Never prints a value.
set -eu
umask 077

PROM_SECRETS=/out/prometheus-secrets
PROM_TARGETS=/out/prometheus-targets
AM_SECRETS=/out/alertmanager-secrets
mkdir -p "$PROM_SECRETS" "$PROM_TARGETS" "$AM_SECRETS"

# The token the local Worker accepts when .dev.vars sets no METRICS_TOKEN (src/worker/routes/metrics.ts).
DEV_TOKEN="pong-DEV-ONLY-metrics-token"
printf '%s' "${PONG_LOCAL_METRICS_TOKEN:-$DEV_TOKEN}" > "$PROM_SECRETS/metrics_token_local"
# Production scrape token (the Worker's METRICS_TOKEN secret); an unusable placeholder when unset.
printf '%s' "${METRICS_TOKEN:-unset}" > "$PROM_SECRETS/metrics_token"

# The deployed Worker's host, as a file_sd target list (empty when not configured).
if [ -n "${PONG_WORKER_HOST:-}" ]; then
  case "$PONG_WORKER_HOST" in
    *[!A-Za-z0-9.:-]*) echo "setup-secrets: PONG_WORKER_HOST must be a host[:port]" >&2; exit 1 ;;
  esac
  printf '[{"targets":["%s"],"labels":{"env":"production"}}]\n' "$PONG_WORKER_HOST" > "$PROM_TARGETS/pong-worker.json"
else
  printf '[]\n' > "$PROM_TARGETS/pong-worker.json"
fi

# Slack incoming-webhook URL for Alertmanager; a black-hole address when unset (deliveries fail
# and Alertmanager logs it; alerts stay visible in its UI and in Grafana).
printf '%s' "${ALERT_SLACK_WEBHOOK_URL:-http://127.0.0.1:9/alerting-not-configured}" > "$AM_SECRETS/slack_webhook_url"

# Prometheus and Alertmanager run as nobody (65534).
chown -R 65534:65534 "$PROM_SECRETS" "$PROM_TARGETS" "$AM_SECRETS"
chmod 0400 "$PROM_SECRETS"/* "$AM_SECRETS"/*
chmod 0444 "$PROM_TARGETS/pong-worker.json"
echo "setup-secrets: wrote scrape and alerting secrets"
