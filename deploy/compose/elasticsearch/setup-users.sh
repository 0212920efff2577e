#!/usr/bin/env bash
# One-shot (compose service es-setup): set the kibana_system password and create the pipeline's role and
# user. Idempotent. Passwords come from the environment (.env); they are never printed.
set -euo pipefail
ES=http://elasticsearch:9200

es() {  # es METHOD PATH [JSON]
  curl -fsS -u "elastic:${ELASTIC_PASSWORD}" -H 'Content-Type: application/json' -X "$1" "${ES}$2" \
    ${3:+-d "$3"} >/dev/null
}

until curl -fsS -u "elastic:${ELASTIC_PASSWORD}" "${ES}/_cluster/health?wait_for_status=yellow" >/dev/null; do
  echo "waiting for elasticsearch"; sleep 2
done

es POST /_security/user/kibana_system/_password "{\"password\": \"${KIBANA_PASSWORD}\"}"
es PUT /_security/role/webcare_pipeline '{
  "cluster": ["monitor", "manage_index_templates", "manage_ilm"],
  "indices": [{"names": ["webcare-mentions*"], "privileges": ["all"]}]
}'
es PUT /_security/user/webcare "{
  \"password\": \"${WEBCARE_SEARCH_PASSWORD}\",
  \"roles\": [\"webcare_pipeline\"],
  \"full_name\": \"webcare pipeline\"
}"
echo "users ready: kibana_system, webcare (role webcare_pipeline)"
