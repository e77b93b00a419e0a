#!/usr/bin/env bash
# Makes sure a Chromium that Remotion and the browser tests can drive is installed.
# Remotion must never download its own browser: offline, that download kills Node.
set -euo pipefail

if [ -n "${REMOTION_BROWSER_EXECUTABLE:-}" ]; then
  if [ -x "$REMOTION_BROWSER_EXECUTABLE" ]; then exit 0; fi
  echo "REMOTION_BROWSER_EXECUTABLE=$REMOTION_BROWSER_EXECUTABLE is not an executable file." >&2
  exit 1
fi
if [ -x /usr/bin/chromium-headless-shell ]; then exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium-headless-shell (used by Remotion and the browser tests)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium-headless-shell >/dev/null
  exit 0
fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi

cat >&2 <<'MSG'
No Chromium found. Install Debian's headless shell as root:
    apt-get update && apt-get install -y chromium-headless-shell
or point REMOTION_BROWSER_EXECUTABLE at a Chromium binary.
MSG
exit 1
