#!/usr/bin/env bash
# Installs what the cluster and the tests need beyond the .NET SDK, with apt:
#   tools/install-deps.sh run    redis-server (the gateway's answer cache)
#   tools/install-deps.sh test   redis-server, Chromium for the page tests and a CJK font (page and plots)
# On a developer's machine without root (or sudo) it says what is missing and exits 0: the cache is then
# off under `make run`, and the tests that need the missing part skip with that reason.
# Under CI (CI=true) nothing may be missing: it exits 1 with the reason, and the tests fail rather than skip.
set -euo pipefail

want=(redis-server)
if [ "${1:-test}" = "test" ]; then
  want+=(chromium fonts-wqy-microhei)
fi

missing=()
for package in "${want[@]}"; do
  case "$package" in
    redis-server) command -v redis-server >/dev/null 2>&1 || missing+=("$package") ;;
    chromium) command -v chromium >/dev/null 2>&1 || missing+=("$package") ;;
    fonts-wqy-microhei) fc-list 2>/dev/null | grep -qi "wenquanyi" || missing+=("$package") ;;
  esac
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

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
