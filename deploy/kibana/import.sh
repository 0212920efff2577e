#!/usr/bin/env bash
# Import the webcare data views, visualizations and dashboard with the saved objects _import API.
#
#   deploy/kibana/import.sh kibana [URL]   # Kibana 8.9+ / 9.x: deploy/kibana/webcare.ndjson
#   deploy/kibana/import.sh osd [URL]      # OpenSearch Dashboards 2.x / 3.x: deploy/opensearch-dashboards/webcare.ndjson
#
# URL defaults to $DASHBOARDS_URL, else http://localhost:5601. Existing objects with the same ids are
# overwritten (overwrite=true), so running it again updates the dashboard.
# Environment:
#   DASHBOARDS_API_KEY                        Kibana API key (Authorization: ApiKey ...), or
#   DASHBOARDS_USERNAME / DASHBOARDS_PASSWORD  basic auth (Kibana or the OSD security plugin)
#   DASHBOARDS_CACERT                         CA certificate file for https
#   KIBANA_SPACE                              Kibana space id (default: the default space)
set -euo pipefail

usage() { echo "usage: $0 kibana|osd [URL]" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
target=${1:-}
url=${2:-${DASHBOARDS_URL:-http://localhost:5601}}
url=${url%/}

case $target in
    kibana)
        file=$here/webcare.ndjson
        xsrf="kbn-xsrf: true"
        if [ -n "${KIBANA_SPACE:-}" ]; then url="$url/s/$KIBANA_SPACE"; fi
        ;;
    osd)
        file=$here/../opensearch-dashboards/webcare.ndjson
        xsrf="osd-xsrf: true"
        ;;
    *) usage ;;
esac

# Credentials go to curl as a header file, so they never show up in the process list.
auth_header=""
if [ -n "${DASHBOARDS_API_KEY:-}" ]; then
    auth_header="Authorization: ApiKey $DASHBOARDS_API_KEY"
elif [ -n "${DASHBOARDS_USERNAME:-}" ]; then
    pair=$(printf '%s:%s' "$DASHBOARDS_USERNAME" "${DASHBOARDS_PASSWORD:?DASHBOARDS_PASSWORD is not set}")
    auth_header="Authorization: Basic $(printf '%s' "$pair" | base64 | tr -d '\n')"
fi
options=(-sS -X POST -H "$xsrf" --form "file=@$file")
if [ -n "${DASHBOARDS_CACERT:-}" ]; then options+=(--cacert "$DASHBOARDS_CACERT"); fi

response=$(curl "${options[@]}" -H @<(printf '%s\n' "$auth_header") -w '\n%{http_code}' \
    "$url/api/saved_objects/_import?overwrite=true")
status=${response##*$'\n'}
body=${response%$'\n'*}
echo "$body"
success='"success": *true'
if [ "$status" != 200 ] || ! [[ $body =~ $success ]]; then
    echo "import into $url failed (HTTP $status)" >&2
    exit 1
fi
echo "imported $(grep -c . "$file") saved objects from $file into $url" >&2
