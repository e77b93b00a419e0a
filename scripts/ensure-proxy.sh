#!/usr/bin/env bash
# Makes sure tinyproxy is installed: the one way out of a local render's network
# namespace when RENDER_ASSET_HOSTS is set. Each render starts its own tinyproxy with a
# default-deny filter that admits exactly the asset hosts (farm/backends/egress.py);
# the system-wide service Debian's package sets up is not used.
set -euo pipefail

if command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ]; then exit 0; fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's tinyproxy (the asset hosts' proxy for sealed local renders)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends tinyproxy >/dev/null
  # Renders start their own; a system daemon listening on 8888 is not wanted.
  if command -v service >/dev/null 2>&1; then service tinyproxy stop >/dev/null 2>&1 || true; fi
  exit 0
fi

cat >&2 <<'MSG'
tinyproxy is not installed. Local renders with RENDER_ASSET_HOSTS need it to keep their
network namespace; install it as root:
    apt-get update && apt-get install -y --no-install-recommends tinyproxy
MSG
exit 1
