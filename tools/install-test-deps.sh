#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK: Chromium for the page tests and a
# CJK font so Chinese pages render. Without root (or sudo) it says what is missing and
# the page tests skip with that reason.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi"; then
  exit 0
fi

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd="sudo"
  else
    echo "note: chromium / fonts-wqy-microhei are not installed and apt needs root; page tests will skip" >&2
    exit 0
  fi
fi

echo "installing chromium and fonts-wqy-microhei for the page tests…" >&2
# A failed install must not fail the run: the page tests then skip and say why.
if ! { $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }; then
  echo "warning: apt could not install chromium / fonts-wqy-microhei; page tests will skip" >&2
fi
