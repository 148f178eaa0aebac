#!/usr/bin/env bash
# The answer cache of `make up`: Debian's redis-server on the same kind of root file system as deploy/base.sh
# (no image registry is reachable here, so no docker.io/library/redis). Cached like the base: the tarball in
# .cache/deploy/ under the hash of its inputs. Runs as user 10001. Its entrypoint is redis-server, so it takes the
# arguments the official image takes (a configuration file first, then options: k8s/base/redis.yaml's); without
# arguments it runs as a cache only: no snapshots, no append-only file, state only under /tmp.
# Also tagged :latest, the tag deploy/kube/ names. Prints the image's name on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/containers.conf"

cache=.cache/deploy
mkdir -p "$cache"
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
# Nor Debian's /etc/redis: the settings come as arguments (deploy/up.sh) or from a mounted redis.conf (k8s/), and
# podman copies an image's directory, owner and mode (redis, 2770) into a volume mounted over it, which user 10001
# then cannot read.
trim='cd "$1" && rm -rf usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/* var/lib/apt/lists/* var/cache/apt/* etc/redis'
changes=(--change 'USER 10001:10001' --change 'EXPOSE 6379' --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin'
  --change 'ENTRYPOINT ["/usr/bin/redis-server"]'
  --change 'CMD ["--bind", "0.0.0.0", "--dir", "/tmp", "--save", "", "--appendonly", "no"]')
inputs=$( { echo redis-server; echo "$trim"; cat "$sources"; } | sha256sum | cut -c1-12)
# The image's metadata is not in the tarball: a change to it makes a new image from the same root file system.
tag=$inputs-$(printf '%s\n' "${changes[@]}" | sha256sum | cut -c1-8)
tarball="$cache/redis-$inputs.tar"
image="localhost/search-redis:$tag"

if ! podman image exists "$image"; then
  if [ ! -f "$tarball" ]; then
    echo "building the Redis image's root file system (mmdebstrap, about a minute; cached as $tarball)…" >&2
    nice mmdebstrap --quiet --variant=essential --include=redis-server --customize-hook="$trim" \
      bookworm "$cache/partial-redis.tar" "$sources" >&2
    mv "$cache/partial-redis.tar" "$tarball"
  fi
  podman import --quiet "${changes[@]}" "$tarball" "$image" >/dev/null
fi
podman tag "$image" localhost/search-redis:latest
echo "$image"
