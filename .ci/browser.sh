#!/usr/bin/env bash
# CI: install what the browser test (tests/web) needs on a fresh Debian machine, as root:
# Debian's Chromium, which Playwright drives through its executable_path (Playwright's own
# browser download is never used), and a monospace font with box drawing for a readable
# screenshot. (fonts-noto-cjk would draw the Chinese interface too; the test is in English.)
# Quiet and idempotent: nothing to do when /usr/bin/chromium exists; apt's output is
# shown only when something fails.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! { apt-get update -q \
       && apt-get install -y -q --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
            chromium fonts-dejavu-core; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "browser.sh: installing chromium failed" >&2
  exit 1
fi
echo "browser.sh: $(/usr/bin/chromium --version 2>/dev/null || echo 'chromium installed')"
