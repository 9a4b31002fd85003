#!/usr/bin/env bash
# Node-side observability checks (part of `npm test`, see docs/observability.md):
#  - configs: promtool check config / check rules / test rules, amtool check-config (all three
#    Alertmanager configurations), caddy validate, the plain docker-compose config, every mounted file exists, JSON schemas for the ILM policy, index
#    template, Grafana dashboards/provisioning and Kibana saved objects, cross-checks;
#  - the Logstash pipeline's event-time handling, replayed on a model of Logstash's code;
#  - the pure parts of `npm run deploy` (scripts/deploy-lib.ts);
#  - end to end: wrangler dev + a real Prometheus + a bot match over WebSockets.
# Installs Debian's prometheus, prometheus-alertmanager, docker-compose and caddy when absent (as root).
# Elasticsearch, Logstash, Kibana, Grafana and Docker cannot run on this machine: the tests say so.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null || ! command -v docker-compose >/dev/null || ! command -v caddy >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus prometheus-alertmanager docker-compose caddy >/dev/null
  else
    echo "observability-check: promtool/amtool/docker-compose/caddy missing; install Debian's prometheus, prometheus-alertmanager, docker-compose, caddy (the checks that need them are skipped)" >&2
  fi
fi

tsc --noEmit -p observability/test/tsconfig.json
exec bash scripts/offline.sh vitest run --config observability/test/vitest.config.ts "$@"
