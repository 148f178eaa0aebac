#!/usr/bin/env bash
# make images: the five service images of deploy/images.tsv, localhost/search-<service>:latest, on the shared
# runtime of deploy/base.sh. Each service is published framework-dependent for linux-x64 (ReadyToRun, as the
# projects ask) into .cache/deploy/ with its own intermediate files, so the developer's bin/ and obj/ stay as they
# are. An image whose inputs (the sources it is built from, hashed) and runtime have not changed is kept.
# Ends by checking every image against its size budget in images.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/containers.conf"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v podman >/dev/null 2>&1 || ! command -v mmdebstrap >/dev/null 2>&1; then
  echo "error: podman and mmdebstrap are needed (tools/install-deps.sh images installs them)" >&2
  exit 1
fi

started=$(date +%s)
runtime=$(deploy/base.sh)
cache=.cache/deploy

# What the services are published from (a change republishes) and what else goes into an image (a change rebuilds
# it from the kept publish output); the revision is the last commit that touched either.
sources=(services protos Directory.Build.props Directory.Packages.props global.json)
sources_hash=$(git ls-files -z --cached --others --exclude-standard -- "${sources[@]}" | xargs -0 sha256sum | sha256sum | cut -c1-16)
revision=$(git log -1 --format=%H -- "${sources[@]}" deploy)
git diff --quiet HEAD -- "${sources[@]}" deploy || revision="$revision-dirty"
source=${IMAGE_SOURCE:-$(git remote get-url origin 2>/dev/null || echo "https://example.invalid/search (no git remote)")}

over_budget=()
while read -r service project grpc_port http_port http_endpoint budget_mb settings; do
  image="localhost/search-$service"
  context="$cache/context-$service"
  if [ "$(cat "$context/sources" 2>/dev/null)" != "$sources_hash" ]; then
    echo "$image: publishing $project…" >&2
    rm -rf "$context"
    nice dotnet publish "services/$project/$project.csproj" -c Release -r linux-x64 --self-contained false \
      --artifacts-path "$cache/artifacts" -o "$context/publish" -v quiet -nologo -p:UseAppHost=false >&2
    # No development settings in an image (the launcher's local keys live in tools/, not in the services).
    rm -f "$context/publish"/appsettings.Development.json
    echo "$sources_hash" >"$context/sources"
  fi
  inputs_hash=$( { echo "$runtime $sources_hash $service $project $grpc_port $http_port $http_endpoint $settings $source $revision"
    cat deploy/Containerfile; } | sha256sum | cut -c1-16)
  if [ "$(podman image inspect --format '{{index .Labels "search.inputs"}}' "$image" 2>/dev/null)" = "$inputs_hash" ]; then
    echo "$image: up to date" >&2
  else
    echo "$image: building the image…" >&2
    # No layer cache: buildah's cache keys the ENV line with a variable name (Kestrel__Endpoints__${HTTP_ENDPOINT}__Url)
    # before expansion, so one service would get another's; the build is a COPY and metadata, a few seconds.
    previous=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
    env_args=()
    for setting in $settings; do env_args+=(--env "$setting"); done
    nice podman build --quiet --no-cache --format docker "${env_args[@]}" \
      --build-arg RUNTIME="$runtime" --build-arg PROJECT="$project" \
      --build-arg GRPC_PORT="$grpc_port" --build-arg HTTP_PORT="$http_port" --build-arg HTTP_ENDPOINT="$http_endpoint" \
      --build-arg SOURCE="$source" --build-arg REVISION="$revision" --build-arg INPUTS="$inputs_hash" \
      -f deploy/Containerfile -t "$image:latest" "$context" >/dev/null
    # The image it replaces, unless a container still runs it.
    [ -z "$previous" ] || podman rmi "$previous" >/dev/null 2>&1 || true
  fi
  size_mb=$(( $(podman image inspect --format '{{.Size}}' "$image") / 1000000 ))
  echo "$image: $size_mb MB (budget $budget_mb MB)" >&2
  [ "$size_mb" -le "$budget_mb" ] || over_budget+=("$image $size_mb MB > $budget_mb MB")
done < <(grep -vE '^\s*(#|$)' deploy/images.tsv)

echo "images built in $(( $(date +%s) - started )) s" >&2
if [ "${#over_budget[@]}" -gt 0 ]; then
  printf 'error: over the size budget of deploy/images.tsv: %s\n' "${over_budget[@]}" >&2
  exit 1
fi
