#!/usr/bin/env bash
# Install Debian's Chromium for the browser tests when it is missing and we may install
# system packages (root, or password-less sudo). Otherwise say that browser tests will skip.
set -uo pipefail

[ -x /usr/bin/chromium ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "note: /usr/bin/chromium is missing and cannot be installed here without root;"
    echo "      browser tests will be skipped (install it with: apt-get install chromium)."
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "note: no apt-get; install Chromium as /usr/bin/chromium to run the browser tests."
    exit 0
fi
echo "installing chromium for the browser tests (apt-get)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
