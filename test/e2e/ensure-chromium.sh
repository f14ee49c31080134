#!/usr/bin/env bash
# The browser test of /docs drives Debian's chromium. On a machine without it, install it when we
# can (root with apt, as on CI and fresh dev containers); otherwise stop before the suite runs, saying
# how, rather than failing one test deep in the run.
set -euo pipefail
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "The browser test needs chromium; installing Debian's package..." >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser test of /docs needs Chromium at $browser." >&2
echo "Install it (Debian/Ubuntu: sudo apt-get install chromium) or point CHROMIUM_PATH at one." >&2
exit 1
