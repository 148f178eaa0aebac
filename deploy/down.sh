#!/usr/bin/env bash
# make down: removes the containers and the network of `make up`; with VOLUMES=1 also the index and feedback volumes.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/containers.conf"
# Container, network and volume names start with SEARCH_UP_NAME (the tests run their own cluster beside yours).
prefix=${SEARCH_UP_NAME:-search-up}
for service in gateway router retrieval rerank answer redis; do
  podman rm --force --ignore --volumes --time 5 "$prefix-$service" >/dev/null
done
podman network exists "$prefix" && podman network rm "$prefix" >/dev/null
if [ "${VOLUMES:-0}" = 1 ]; then
  podman volume rm --force "$prefix-index" "$prefix-gateway" >/dev/null 2>&1 || true
fi
