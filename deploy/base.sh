#!/usr/bin/env bash
# Builds the two shared layers every service image starts FROM, offline from Debian's packages:
#   localhost/search-base:<inputs>     Debian bookworm (mmdebstrap, variant essential) with ICU, OpenSSL, CA certificates, tzdata
#   localhost/search-runtime:<inputs>  + the .NET and ASP.NET Core shared runtimes of the SDK that builds the services
# The Debian root file system is the slow step (about a minute): its tarball is kept in .cache/deploy/ under the
# hash of its inputs (this script's package list and the apt sources), and rebuilt only when they change.
# Prints the runtime image's name on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/containers.conf"

cache=.cache/deploy
mkdir -p "$cache"

packages=ca-certificates,libicu72,libssl3,tzdata
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
# No documentation, manual pages or translations (nothing in the image reads them), nor apt's lists.
trim='cd "$1" && rm -rf usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/* usr/share/lintian/* var/lib/apt/lists/* var/cache/apt/*'

base_inputs=$( { echo "$packages"; echo "$trim"; cat "$sources"; } | sha256sum | cut -c1-12)
base_tar="$cache/base-$base_inputs.tar"
base_image="localhost/search-base:$base_inputs"

if ! podman image exists "$base_image"; then
  if [ ! -f "$base_tar" ]; then
    echo "building the Debian base (mmdebstrap, about a minute; cached as $base_tar)…" >&2
    # essential: the Essential: yes packages (bash, coreutils, dash…) without apt; users are numeric, so no useradd.
    nice mmdebstrap --quiet --variant=essential --include="$packages" --customize-hook="$trim" \
      bookworm "$cache/partial.tar" "$sources" >&2
    mv "$cache/partial.tar" "$base_tar"
    # One tarball per input set is enough.
    find "$cache" -maxdepth 1 -name 'base-*.tar' ! -name "base-$base_inputs.tar" -delete
  fi
  podman import --quiet --change 'CMD ["/bin/bash"]' "$base_tar" "$base_image" >/dev/null
fi

# The shared runtimes come from the SDK on this machine, so the images run exactly the runtime the services are
# built and tested against (framework-dependent publish), with no download. The tag: the base's inputs, the
# runtime version and this layer's own files.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" {v = $2} END {print v}')
aspnet_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" {v = $2} END {print v}')
layer_inputs=$(cat deploy/Containerfile.runtime deploy/healthcheck | sha256sum | cut -c1-8)
runtime_tag="$base_inputs-$runtime_version-$layer_inputs"
runtime_image="localhost/search-runtime:$runtime_tag"

if ! podman image exists "$runtime_image"; then
  context="$cache/runtime-context"
  rm -rf "$context"
  mkdir -p "$context/dotnet/shared/Microsoft.NETCore.App" "$context/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$context/dotnet/" 2>/dev/null \
    || cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$context/dotnet/"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$runtime_version" "$context/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$aspnet_version" "$context/dotnet/shared/Microsoft.AspNetCore.App/"
  cp deploy/healthcheck "$context/healthcheck"
  nice podman build --quiet --layers --build-arg BASE="$base_image" \
    -f deploy/Containerfile.runtime -t "$runtime_image" "$context" >/dev/null
  rm -rf "$context"
fi

echo "$runtime_image"
