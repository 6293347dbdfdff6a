#!/bin/sh
# Install Debian's headless-capable Chromium (and chromedriver) for the browser tests.
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (or sudo) and apt.
# The browser tests drive it with Playwright for Python as a driver only: never `playwright install`.
set -eu
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver
/usr/bin/chromium --version
