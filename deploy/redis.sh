#!/usr/bin/env bash
# The answer cache of `make up`: Debian's redis-server on the same kind of root file system as deploy/base.sh
# (no image registry is reachable here, so no docker.io/library/redis). Cached like the base: the tarball in
# .cache/deploy/ under the hash of its inputs. Runs as user 10001, a cache only: no snapshots, no append-only file.
# Prints the image's name on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/containers.conf"

cache=.cache/deploy
mkdir -p "$cache"
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
trim='cd "$1" && rm -rf usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/* var/lib/apt/lists/* var/cache/apt/*'
inputs=$( { echo redis-server; echo "$trim"; cat "$sources"; } | sha256sum | cut -c1-12)
tarball="$cache/redis-$inputs.tar"
image="localhost/search-redis:$inputs"

if ! podman image exists "$image"; then
  if [ ! -f "$tarball" ]; then
    echo "building the Redis image's root file system (mmdebstrap, about a minute; cached as $tarball)…" >&2
    nice mmdebstrap --quiet --variant=essential --include=redis-server --customize-hook="$trim" \
      bookworm "$cache/partial-redis.tar" "$sources" >&2
    mv "$cache/partial-redis.tar" "$tarball"
  fi
  podman import --quiet --change 'USER 10001:10001' --change 'EXPOSE 6379' \
    --change 'ENTRYPOINT ["/usr/bin/redis-server", "--bind", "0.0.0.0", "--dir", "/tmp", "--save", "", "--appendonly", "no"]' \
    "$tarball" "$image" >/dev/null
fi
echo "$image"
