#!/usr/bin/env bash
# One-shot, after Kibana is healthy (idempotent: overwrite): imports the data view, the saved
# search, the Lens charts and the dashboard from observability/kibana/saved-objects.ndjson.
set -euo pipefail

KIBANA="${KIBANA_URL:-http://kibana:5601}"
# Escapes a value for a double-quoted JSON or curl-config string.
esc() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

CURLCFG="$(mktemp)"
trap 'rm -f "$CURLCFG"' EXIT
chmod 600 "$CURLCFG"
printf 'user = "elastic:%s"\n' "$(esc "$ELASTIC_PASSWORD")" > "$CURLCFG"

echo "setup-kibana: waiting for Kibana"
for _ in $(seq 1 120); do
  code="$(curl -s -o /dev/null -w '%{http_code}' -K "$CURLCFG" "$KIBANA/api/status" || true)"
  [ "$code" = 200 ] && break
  sleep 2
done

code="$(curl -s -o /tmp/kibana-response -w '%{http_code}' -K "$CURLCFG" -X POST \
  -H 'kbn-xsrf: pong-setup' --form file=@/setup/kibana/saved-objects.ndjson \
  "$KIBANA/api/saved_objects/_import?overwrite=true")"
if [ "$code" != 200 ] || ! grep -q '"success":true' /tmp/kibana-response; then
  echo "setup-kibana: import failed ($code)" >&2
  head -c 4000 /tmp/kibana-response >&2 || true
  exit 1
fi
echo "setup-kibana: saved objects imported"
