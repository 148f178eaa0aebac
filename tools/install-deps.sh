#!/usr/bin/env bash
# Installs what the cluster and the tests need beyond the .NET SDK, with apt:
#   tools/install-deps.sh run    redis-server (the gateway's answer cache)
#   tools/install-deps.sh test   redis-server, Chromium for the page tests and a CJK font
# Without root (or sudo) it says what is missing: the cache is then off under `make run`,
# and the tests that need the missing part skip with that reason. A failed install never
# fails the caller.
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

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd="sudo"
  else
    echo "note: ${missing[*]} not installed and apt needs root; what needs them is skipped or off" >&2
    exit 0
  fi
fi

echo "installing ${missing[*]}…" >&2
if ! { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "warning: apt could not install ${missing[*]}; what needs them is skipped or off" >&2
fi
