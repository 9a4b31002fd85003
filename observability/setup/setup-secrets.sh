#!/bin/sh
# One-shot: turns settings from the environment (.env) into the files Prometheus and Alertmanager
# read (their configs cannot read environment variables): scrape targets (file_sd), bearer
# tokens, the Slack webhook URL, the SMTP password. Never prints a value.
set -eu
umask 077

# SETUP_OUT: only for the tests (observability/test/config.test.ts run this script for real).
OUT="${SETUP_OUT:-/out}"
PROM_SECRETS="$OUT/prometheus-secrets"
PROM_TARGETS="$OUT/prometheus-targets"
AM_SECRETS="$OUT/alertmanager-secrets"
mkdir -p "$PROM_SECRETS" "$PROM_TARGETS" "$AM_SECRETS"

fail() { echo "setup-secrets: $*" >&2; exit 1; }

# host[:port] only: it is written into JSON and used as a scrape address.
check_host() {
  case "$2" in
    *[!A-Za-z0-9.:-]*) fail "$1 must be a host[:port] (no scheme, no path)" ;;
  esac
}

# targets FILE HOST ENV: a file_sd list with one target, or an empty list (no target, no alert).
targets() {
  if [ -n "$2" ]; then
    printf '[{"targets":["%s"],"labels":{"env":"%s"}}]\n' "$2" "$3" > "$PROM_TARGETS/$1"
  else
    printf '[]\n' > "$PROM_TARGETS/$1"
  fi
}

# The deployed Worker (HTTPS, its METRICS_TOKEN secret).
if [ -n "${PONG_WORKER_HOST:-}" ]; then
  check_host PONG_WORKER_HOST "$PONG_WORKER_HOST"
  [ -n "${PONG_WORKER_METRICS_TOKEN:-}" ] || fail "PONG_WORKER_HOST is set but PONG_WORKER_METRICS_TOKEN is empty (.env): put the Worker's METRICS_TOKEN secret there"
fi
targets pong-worker.json "${PONG_WORKER_HOST:-}" production
printf '%s' "${PONG_WORKER_METRICS_TOKEN:-unset}" > "$PROM_SECRETS/metrics_token"

# A Worker on this machine (wrangler dev), only when asked for.
if [ -n "${PONG_LOCAL_WORKER:-}" ]; then check_host PONG_LOCAL_WORKER "$PONG_LOCAL_WORKER"; fi
targets pong-worker-local.json "${PONG_LOCAL_WORKER:-}" local
# The token the local Worker accepts when .dev.vars sets no METRICS_TOKEN (src/worker/routes/metrics.ts).
printf '%s' "${PONG_LOCAL_METRICS_TOKEN:-pong-DEV-ONLY-metrics-token}" > "$PROM_SECRETS/metrics_token_local"

# Alertmanager: the chosen configuration's secret must be there.
case "${ALERTMANAGER_CONFIG:-alertmanager.yml}" in
  alertmanager.yml) ;;
  alertmanager.slack.yml) [ -n "${ALERT_SLACK_WEBHOOK_URL:-}" ] || fail "ALERTMANAGER_CONFIG=alertmanager.slack.yml needs ALERT_SLACK_WEBHOOK_URL (.env)" ;;
  alertmanager.email.yml) [ -n "${ALERT_SMTP_PASSWORD:-}" ] || fail "ALERTMANAGER_CONFIG=alertmanager.email.yml needs ALERT_SMTP_PASSWORD (.env)" ;;
  *) fail "ALERTMANAGER_CONFIG must be alertmanager.yml, alertmanager.slack.yml or alertmanager.email.yml" ;;
esac
printf '%s' "${ALERT_SLACK_WEBHOOK_URL:-}" > "$AM_SECRETS/slack_webhook_url"
printf '%s' "${ALERT_SMTP_PASSWORD:-}" > "$AM_SECRETS/smtp_password"

# Prometheus and Alertmanager run as nobody (65534). (The container runs as root; a test run may not.)
if [ "$(id -u)" = 0 ]; then chown -R 65534:65534 "$PROM_SECRETS" "$PROM_TARGETS" "$AM_SECRETS"; fi
chmod 0400 "$PROM_SECRETS"/* "$AM_SECRETS"/*
chmod 0444 "$PROM_TARGETS"/*.json
echo "setup-secrets: wrote scrape targets and alerting secrets"
