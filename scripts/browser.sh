#!/usr/bin/env bash
# Installs Debian's Chromium for the web app's browser tests (apps/web/e2e), once.
# Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser: /usr/bin/chromium is missing and apt-get is not available; install Chromium so the browser tests can run." >&2
  exit 1
fi
sudo=''
if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
echo "browser: installing Debian's chromium for the browser tests"
$sudo apt-get install -y chromium >/dev/null || { $sudo apt-get update >/dev/null && $sudo apt-get install -y chromium >/dev/null; }
test -x /usr/bin/chromium
