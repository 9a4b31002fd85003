#!/usr/bin/env bash
# Node-side observability checks (part of `npm test`, see docs/observability.md):
#  - configs: promtool check config / check rules / test rules, amtool check-config,
#    docker-compose config, every mounted file exists, JSON schemas for the ILM policy, index
#    template, Grafana dashboards/provisioning and Kibana saved objects, cross-checks;
#  - end to end: wrangler dev + a real Prometheus + a bot match over WebSockets.
# Installs Debian's prometheus, prometheus-alertmanager and docker-compose when absent (as root).
# Elasticsearch, Logstash, Kibana, Grafana and Docker cannot run on this machine: the tests say so.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

if ! command -v promtool >/dev/null || ! command -v amtool >/dev/null || ! command -v docker-compose >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus prometheus-alertmanager docker-compose >/dev/null
  else
    echo "observability-check: promtool/amtool/docker-compose missing; install Debian's prometheus, prometheus-alertmanager, docker-compose (the checks that need them are skipped)" >&2
  fi
fi

tsc --noEmit -p observability/test/tsconfig.json
exec bash scripts/offline.sh vitest run --config observability/test/vitest.config.ts "$@"
