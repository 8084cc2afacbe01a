#!/usr/bin/env sh
# Installs Debian's headless-capable Chromium for the analytics dashboard's browser test
# (services/analytics/tests/integration/test_dashboard_browser.py drives /usr/bin/chromium
# through Playwright's Python client; Playwright's own browser downloads are not used).
# Idempotent; needs root (or sudo) and Debian's package archive.
set -eu

if [ -x /usr/bin/chromium ]; then
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo present)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# fonts-dejavu-core: readable text in screenshots; no recommends keeps the install small.
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "chromium: $(/usr/bin/chromium --version)"
