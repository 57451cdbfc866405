#!/usr/bin/env bash
# Installs LibreOffice Calc (headless, from Debian's packages) for the test that reads
# finance CSV exports back through a real spreadsheet engine
# (libs/server-core/src/csv/csv-spreadsheet.spec.ts). Idempotent: does nothing when
# `soffice` is already on the PATH. Without root or apt it only warns; the test then
# fails and says how to install it. Waits for the dpkg lock when another apt-get runs.
set -uo pipefail
if command -v soffice >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "office.sh: soffice missing; install libreoffice-calc-nogui (Debian) to run the spreadsheet test" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null
command -v soffice >/dev/null 2>&1 || { echo "office.sh: libreoffice-calc-nogui installed but soffice not found" >&2; exit 1; }
