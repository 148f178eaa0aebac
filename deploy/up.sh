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
# The gateway's ingest key: the documented local development key (tools/Search.Hosting/local-cluster.json).
api_key=$(sed -n 's/.*"IngestApiKey": *"\([^"]*\)".*/\1/p' tools/Search.Hosting/local-cluster.json)
# The review console's key, from the same file (Gateway:Review:ApiKey): a key of its own, never the ingest key.
review_key=$(sed -n '/"Review"/,/}/s/.*"ApiKey": *"\([^"]*\)".*/\1/p' tools/Search.Hosting/local-cluster.json)
redis_password=${SEARCH_UP_REDIS_PASSWORD:-local-redis-password}
# Service-to-service keys (ServiceAuth, README "Security"), new for every `make up`: every service gets the call
# key, the gateway and retrieval the write key too. Nothing outside the containers needs them.
call_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
write_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')

redis_image=$(deploy/redis.sh)
podman network exists "$network" || podman network create "$network" >/dev/null
fresh=false
podman volume exists "$prefix-index" || { podman volume create "$prefix-index" >/dev/null; fresh=true; }
# The gateway's feedback database (SQLite) on a volume of its own: the root file system is read-only.
podman volume exists "$prefix-gateway" || podman volume create "$prefix-gateway" >/dev/null

# Health checks without a timer: podman 4.3 runs a container's HEALTHCHECK on a systemd timer, and this machine has
# no systemd (every start would print "unable to get systemd connection" and the status would stay "starting").
# podman keeps the image's interval unless the command is given too, so it is: the images' own check
# (/usr/local/bin/healthcheck, deploy/Containerfile), run below by `podman healthcheck run` until it passes.
service_health=(--health-cmd /usr/local/bin/healthcheck --health-interval disable --health-timeout 6s
  --health-start-period 120s --health-retries 3)
# aardvark-dns, started with the network's first container, says "failed to connect to syslog" (there is none
# here): that line is left out. stderr goes to a file, which the DNS server inherits, not to a pipe it would hold.
run() {
  local name=$1 errors status=0
  shift
  errors=$(mktemp)
  podman rm --force --ignore "$name" >/dev/null
  podman run -d --name "$name" --network "$network" --network-alias "$name" \
    --read-only --cap-drop=ALL --security-opt=no-new-privileges "$@" >/dev/null 2>"$errors" || status=$?
  grep -v 'failed to connect to syslog' "$errors" >&2 || true
  rm -f "$errors"
  return "$status"
}

# The image's default arguments (a cache: no snapshots, no append-only file) and a password; redis-cli reads the
# password for the health check from REDISCLI_AUTH.
run "$prefix-redis" -e "REDISCLI_AUTH=$redis_password" \
  --health-cmd 'redis-cli ping | grep -q PONG' --health-interval disable --health-timeout 5s \
  "$redis_image" --bind 0.0.0.0 --dir /tmp --save "" --appendonly no --requirepass "$redis_password" \
  --maxmemory 256mb --maxmemory-policy noeviction
for stage in router rerank answer; do
  run "$prefix-$stage" "${service_health[@]}" -e "ServiceAuth__CallKey=$call_key" "localhost/search-$stage"
done
run "$prefix-retrieval" "${service_health[@]}" -e "ServiceAuth__CallKey=$call_key" -e "ServiceAuth__WriteKey=$write_key" \
  -v "$prefix-index":/data localhost/search-retrieval
run "$prefix-gateway" "${service_health[@]}" -p "127.0.0.1:$http_port:8080" -p "127.0.0.1:$grpc_port:8081" \
  -e "Gateway__RouterAddress=http://$prefix-router:5101" \
  -e "Gateway__RetrievalAddress=http://$prefix-retrieval:5102" \
  -e "Gateway__RerankAddress=http://$prefix-rerank:5103" \
  -e "Gateway__AnswerAddress=http://$prefix-answer:5104" \
  -e "Gateway__IngestApiKey=$api_key" \
  -e "Gateway__Review__ApiKey=$review_key" \
  -e "ServiceAuth__CallKey=$call_key" -e "ServiceAuth__WriteKey=$write_key" \
  -e "Gateway__Cache__Redis=$prefix-redis:6379,password=$redis_password" \
  -e "Gateway__Feedback__Database=/data/feedback.db" -v "$prefix-gateway":/data \
  localhost/search-gateway

# Each container's health check until it passes (the gateway's last: it is ready once its stages answer), so
# `podman ps` shows them healthy. Without a timer the status is that of the last check: run
# `podman healthcheck run NAME` to ask again.
echo "waiting for every container to be healthy…" >&2
deadline=$(( $(date +%s) + 180 ))
for service in redis router retrieval rerank answer gateway; do
  until podman healthcheck run "$prefix-$service" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] \
      || { echo "error: $prefix-$service is not healthy after 180 s (podman logs $prefix-$service)" >&2; exit 1; }
    sleep 1
  done
done

# A new volume holds an empty index: the demo corpus goes in once (an ingest replaces documents by id anyway).
if $fresh; then
  echo "ingesting the demo corpus…" >&2
  curl -sS --fail-with-body -X POST -H "X-Api-Key: $api_key" -H 'Content-Type: application/x-ndjson' \
    --data-binary @tools/demo/corpus.jsonl "http://127.0.0.1:$http_port/api/documents" >&2
  echo >&2
fi
echo "the page: http://127.0.0.1:$http_port/   gRPC: 127.0.0.1:$grpc_port   (make down stops it)" >&2
