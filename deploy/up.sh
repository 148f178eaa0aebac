#!/usr/bin/env bash
# make up: the cluster in containers on one podman network, from the images of `make images`:
#   redis (a password, no persistence), router, retrieval (the index on the named volume search-up-index), rerank,
#   answer, and the gateway with its page and REST API on http://127.0.0.1:${SEARCH_UP_HTTP_PORT:-18080}/ and
#   gRPC on 127.0.0.1:${SEARCH_UP_GRPC_PORT:-18081}; then the demo corpus is ingested into a new index volume.
# make down removes the containers and the network; the index volume stays (make down VOLUMES=1 removes it too).
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/containers.conf"
# Container, network and volume names start with SEARCH_UP_NAME (the tests run their own cluster beside yours).
prefix=${SEARCH_UP_NAME:-search-up}

http_port=${SEARCH_UP_HTTP_PORT:-18080}
grpc_port=${SEARCH_UP_GRPC_PORT:-18081}
network=$prefix
# The gateway's ingest key: the documented local development key (services/Search.Gateway/appsettings.Development.json).
api_key=$(sed -n 's/.*"IngestApiKey": *"\([^"]*\)".*/\1/p' services/Search.Gateway/appsettings.Development.json)
redis_password=${SEARCH_UP_REDIS_PASSWORD:-local-redis-password}

redis_image=$(deploy/redis.sh)
podman network exists "$network" || podman network create "$network" >/dev/null
fresh=false
podman volume exists "$prefix-index" || { podman volume create "$prefix-index" >/dev/null; fresh=true; }

run() {
  local name=$1
  shift
  podman rm --force --ignore "$name" >/dev/null
  podman run -d --name "$name" --network "$network" --network-alias "$name" \
    --read-only --cap-drop=ALL --security-opt=no-new-privileges "$@" >/dev/null
}

run "$prefix-redis" "$redis_image" --requirepass "$redis_password"
for stage in router rerank answer; do
  run "$prefix-$stage" "localhost/search-$stage"
done
run "$prefix-retrieval" -v "$prefix-index":/data localhost/search-retrieval
run "$prefix-gateway" -p "127.0.0.1:$http_port:8080" -p "127.0.0.1:$grpc_port:8081" \
  -e "Gateway__RouterAddress=http://$prefix-router:5101" \
  -e "Gateway__RetrievalAddress=http://$prefix-retrieval:5102" \
  -e "Gateway__RerankAddress=http://$prefix-rerank:5103" \
  -e "Gateway__AnswerAddress=http://$prefix-answer:5104" \
  -e "Gateway__IngestApiKey=$api_key" \
  -e "Gateway__Cache__Redis=$prefix-redis:6379,password=$redis_password" \
  localhost/search-gateway

echo "waiting for the gateway to be ready…" >&2
for _ in $(seq 1 180); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health/ready")" = 200 ]; then
    break
  fi
  sleep 1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health/ready")" = 200 ] \
  || { echo "error: the gateway is not ready after 180 s (podman logs $prefix-gateway)" >&2; exit 1; }

# A new volume holds an empty index: the demo corpus goes in once (an ingest replaces documents by id anyway).
if $fresh; then
  echo "ingesting the demo corpus…" >&2
  curl -sS --fail-with-body -X POST -H "X-Api-Key: $api_key" -H 'Content-Type: application/x-ndjson' \
    --data-binary @tools/demo/corpus.jsonl "http://127.0.0.1:$http_port/api/documents" >&2
  echo >&2
fi
echo "the page: http://127.0.0.1:$http_port/   gRPC: 127.0.0.1:$grpc_port   (make down stops it)" >&2
