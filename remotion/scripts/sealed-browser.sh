#!/bin/sh
# The browser Remotion starts for a local render (render.mjs passes this file as
# browserExecutable: Remotion has no option for extra Chromium flags or limits). Adds:
# - a data-segment limit on every browser process and a V8 heap cap of half of it, so a
#   runaway allocation in clip code (JS objects or ArrayBuffers, which live outside the
#   V8 heap) fails that page, and so that render, instead of taking the machine's memory;
# - a host resolver that resolves only localhost and the render's asset hosts
#   (MONTAGE_RESOLVER_RULES, built by render.mjs; IP literals are refused too), so a
#   request that got past the page's policy (a navigation, a popup) goes nowhere.
ulimit -d $((MONTAGE_BROWSER_MEMORY_MB * 1024))
exec "$MONTAGE_BROWSER" \
  "--js-flags=--max-old-space-size=$((MONTAGE_BROWSER_MEMORY_MB / 2))" \
  "--host-resolver-rules=${MONTAGE_RESOLVER_RULES}" \
  "$@"
