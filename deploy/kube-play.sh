#!/usr/bin/env bash
# The Kubernetes manifests of k8s/overlays/local run by `podman kube play` (make kube-up, make kube-down):
#   deploy/kube-play.sh up      renders deploy/kube/ (the local overlay with the Redis image of deploy/redis.sh),
#                               translates what podman 4.3 cannot run as written (deploy/kube-play.mjs), plays one
#                               pod per workload on the podman network search-kube, the gateway's page and REST API
#                               on http://127.0.0.1:${SEARCH_KUBE_HTTP_PORT:-28080}/ and gRPC on
#                               127.0.0.1:${SEARCH_KUBE_GRPC_PORT:-28081}; waits until the gateway is ready, ingests
#                               the demo corpus into a new index volume and asks a demo question
#   deploy/kube-play.sh down    removes the pods, their /tmp and ConfigMap volumes and the network; with VOLUMES=1
#                               also the index (the retrieval StatefulSet's PersistentVolumeClaim)
#   deploy/kube-play.sh check   up, then down with VOLUMES=1 whatever happened
# Pod, volume and network names start with SEARCH_KUBE_NAME (default search-kube).
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/containers.conf"
prefix=${SEARCH_KUBE_NAME:-search-kube}
http_port=${SEARCH_KUBE_HTTP_PORT:-28080}
grpc_port=${SEARCH_KUBE_GRPC_PORT:-28081}
question="Who developed the theory of general relativity?"

# Runs podman without the errors of health timers: kube play turns a tcpSocket or exec probe into a health check on
# a systemd timer, which this machine does not run, and says so when it adds, starts or removes one (deploy/README.md,
# "The manifests under podman kube play"). Its stderr goes to a file: containers' monitors inherit it and would
# hold a pipe open.
podman_quiet() {
  local errors status=0
  errors=$(mktemp)
  podman "$@" >/dev/null 2>"$errors" || status=$?
  grep -v -e 'unable to get systemd connection' -e 'failed to connect to syslog' "$errors" >&2 || true
  rm -f "$errors"
  return "$status"
}

up() {
  local kubectl=.tools/kubectl/kubectl
  [ -x "$kubectl" ] && [ -d tools/k8s-schema/node_modules/yaml ] \
    || { echo "error: kubectl and the yaml package are missing: run tools/install-deps.sh kube" >&2; exit 1; }
  for service in gateway router retrieval rerank answer; do
    podman image exists "localhost/search-$service" || { echo "error: localhost/search-$service is not built: make images" >&2; exit 1; }
  done
  deploy/redis.sh >/dev/null

  local work
  work=$(mktemp -d)
  # Without a kubeconfig kubectl would look for an API server on localhost:8080, the gateway's port.
  printf 'apiVersion: v1\nkind: Config\n' >"$work/kubeconfig"
  KUBECONFIG="$work/kubeconfig" "$kubectl" kustomize deploy/kube >"$work/rendered.yaml"
  local existing=() volume fresh=true
  for volume in $(podman volume ls --filter "name=^$prefix-" --format '{{.Name}}'); do
    existing+=(--existing "$volume")
    [ "$volume" != "$prefix-index-retrieval-0" ] || fresh=false
  done
  node deploy/kube-play.mjs --prefix "$prefix" --out "$work/play" "${existing[@]}" \
    --publish "gateway/http=$http_port" --publish "gateway/grpc=$grpc_port" <"$work/rendered.yaml" >"$work/plays"

  podman network exists "$prefix" || podman network create "$prefix" >/dev/null
  local file aliases network
  while read -r file aliases; do
    network=$prefix
    [ -z "$aliases" ] || network="$prefix:alias=${aliases//,/,alias=}"
    podman_quiet kube play --replace --network "$network" "$file"
  done <"$work/plays"
  rm -rf "$work"

  echo "waiting for the gateway to be ready…" >&2
  local deadline=$(( $(date +%s) + 180 ))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health/ready")" = 200 ]; do
    [ "$(date +%s)" -lt "$deadline" ] \
      || { echo "error: the gateway is not ready after 180 s (podman logs $prefix-gateway-pod-0-gateway)" >&2; exit 1; }
    sleep 1
  done

  local api_key
  api_key=$(sed -n 's/.*"IngestApiKey": *"\([^"]*\)".*/\1/p' tools/Search.Hosting/local-cluster.json)
  if $fresh; then
    echo "ingesting the demo corpus…" >&2
    # A pod that is ready may still lose a back service for a moment after a fresh play (seen once in CI: retrieval
    # unreachable right after the gateway reported ready); curl retries a 503 (an upsert is safe to send again).
    curl -sS --fail-with-body --retry 10 --retry-delay 3 -X POST -H "X-Api-Key: $api_key" -H 'Content-Type: application/x-ndjson' \
      --data-binary @tools/demo/corpus.jsonl "http://127.0.0.1:$http_port/api/documents" >&2
    echo >&2
  fi

  # The response goes to a file, not a pipe: curl truncates a file before each retry, while on stdout every refused
  # attempt's body would precede the answer (CI: two 503 bodies glued to the JSON that finally came).
  local answer response
  response=$(mktemp)
  curl -sS --fail-with-body --retry 10 --retry-delay 3 -o "$response" --get --data-urlencode "q=$question" \
    "http://127.0.0.1:$http_port/api/search" || { cat "$response" >&2; rm -f "$response"; exit 1; }
  answer=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.answer?.text ?? "")' "$response")
  rm -f "$response"
  [ -n "$answer" ] || { echo "error: no answer box for \"$question\"" >&2; exit 1; }
  echo "$question → $answer" >&2
  # A container that restarted on the way (a probe, the memory limit) explains a refused first question: say so.
  local restarted
  restarted=$(podman ps -a --filter "name=^$prefix-" --format '{{.Names}}' \
    | xargs -r podman inspect --format '{{.Name}} {{.RestartCount}} {{.State.OOMKilled}}' | awk '$2 != "0" {print "  " $1 " restarted " $2 " time(s), OOM-killed: " $3}')
  [ -z "$restarted" ] || printf 'warning: restarted during start:\n%s\n' "$restarted" >&2
  echo "the page: http://127.0.0.1:$http_port/   gRPC: 127.0.0.1:$grpc_port   (make kube-down stops it)" >&2
}

down() {
  local pod containers volumes volume
  for pod in $(podman pod ls --filter "name=^$prefix-" --format '{{.Name}}'); do
    # The containers first, with their anonymous volumes (the images' VOLUME /data); --time: the services stop
    # within a few seconds of SIGTERM, the default waits 10 s.
    containers=$(podman ps -a --filter "pod=$pod" --format '{{.ID}} {{.IsInfra}}' | awk '$2 == "false" {print $1}')
    [ -z "$containers" ] || podman_quiet rm --force --volumes --time 5 $containers
    podman_quiet pod rm --force "$pod"
  done
  volumes=$(podman volume ls --filter "name=^$prefix-" --format '{{.Name}}')
  for volume in $volumes; do
    if [ "$volume" != "$prefix-index-retrieval-0" ] || [ "${VOLUMES:-0}" = 1 ]; then
      podman volume rm --force "$volume" >/dev/null
    fi
  done
  podman network exists "$prefix" && podman network rm "$prefix" >/dev/null
  return 0
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  check)
    trap 'VOLUMES=1 down' EXIT
    up
    ;;
  *) echo "usage: deploy/kube-play.sh up|down|check" >&2; exit 2 ;;
esac
