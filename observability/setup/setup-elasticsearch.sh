#!/usr/bin/env bash
# One-shot, at every stack start (idempotent): users and roles, the ILM policy and the index
# template for the logs-pong-* data stream, then the data stream itself. Runs in the
# Elasticsearch image (bash, curl). Credentials are read from the environment and handed to curl
# through a curl config file, never on a command line; nothing secret is printed.
set -euo pipefail

ES="${ELASTICSEARCH_URL:-http://elasticsearch:9200}"
DIR=/setup/elasticsearch

for v in ELASTIC_PASSWORD KIBANA_SYSTEM_PASSWORD LOGSTASH_ES_USER LOGSTASH_ES_PASSWORD GRAFANA_ES_USER GRAFANA_ES_PASSWORD; do
  # Compose already refuses an empty one (${VAR:?...}); this guards a direct run of the image.
  if [ -z "${!v:-}" ]; then echo "setup-elasticsearch: $v is not set (.env at the repository root)" >&2; exit 1; fi
done

# Escapes a value for a double-quoted JSON or curl-config string.
esc() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'; }

CURLCFG="$(mktemp)"
trap 'rm -f "$CURLCFG"' EXIT
chmod 600 "$CURLCFG"
printf 'user = "elastic:%s"\n' "$(esc "$ELASTIC_PASSWORD")" > "$CURLCFG"

# es METHOD PATH [BODY-FILE|-]: prints the HTTP status; fails on >= 300.
es() {
  local method="$1" path="$2" body="${3:-}" code
  if [ -n "$body" ]; then
    code="$(curl -s -o /tmp/es-response -w '%{http_code}' -K "$CURLCFG" -X "$method" -H 'Content-Type: application/json' --data-binary "@$body" "$ES$path")"
  else
    code="$(curl -s -o /tmp/es-response -w '%{http_code}' -K "$CURLCFG" -X "$method" "$ES$path")"
  fi
  if [ "$code" -ge 300 ]; then
    echo "setup-elasticsearch: $method $path -> $code" >&2
    head -c 2000 /tmp/es-response >&2 || true
    echo >&2
    return 1
  fi
  echo "setup-elasticsearch: $method $path -> $code"
}

echo "setup-elasticsearch: waiting for Elasticsearch"
for _ in $(seq 1 120); do
  if curl -s -o /dev/null -K "$CURLCFG" "$ES/_cluster/health?wait_for_status=yellow&timeout=5s"; then break; fi
  sleep 2
done

json_password() { printf '{"password":"%s"}' "$(esc "$1")"; }

# Built-in kibana_system user (Kibana's connection to Elasticsearch).
json_password "$KIBANA_SYSTEM_PASSWORD" | es POST /_security/user/kibana_system/_password -

# Logstash writes only to the pong data streams.
cat > /tmp/role-writer.json <<'JSON'
{"cluster":["monitor"],"indices":[{"names":["logs-pong-*"],"privileges":["create_doc","auto_configure","view_index_metadata"]}]}
JSON
es PUT /_security/role/pong_logstash_writer /tmp/role-writer.json
printf '{"password":"%s","roles":["pong_logstash_writer"],"full_name":"Pong Logstash writer"}' "$(esc "$LOGSTASH_ES_PASSWORD")" \
  | es PUT "/_security/user/$LOGSTASH_ES_USER" -

# Grafana reads them.
cat > /tmp/role-reader.json <<'JSON'
{"cluster":["monitor"],"indices":[{"names":["logs-pong-*"],"privileges":["read","view_index_metadata"]}]}
JSON
es PUT /_security/role/pong_log_reader /tmp/role-reader.json
printf '{"password":"%s","roles":["pong_log_reader"],"full_name":"Pong Grafana reader"}' "$(esc "$GRAFANA_ES_PASSWORD")" \
  | es PUT "/_security/user/$GRAFANA_ES_USER" -

# Lifecycle, then the template that points new backing indices at it, then the stream.
es PUT /_ilm/policy/pong-logs "$DIR/ilm-policy.json"
es PUT /_index_template/pong-logs "$DIR/index-template.json"
ns="${PONG_LOG_NAMESPACE:-default}"
if ! curl -s -o /dev/null -f -K "$CURLCFG" "$ES/_data_stream/logs-pong-$ns"; then
  es PUT "/_data_stream/logs-pong-$ns"
fi
echo "setup-elasticsearch: done"
