#!/bin/sh
# The browser Remotion starts for a local render (render.mjs passes this file as
# browserExecutable; Remotion has no option for extra Chromium flags). Adds:
# - a V8 heap cap, so a runaway allocation in clip code crashes that page (and fails
#   that render) instead of taking the machine's memory;
# - a host resolver that resolves only localhost and the render's asset hosts
#   (MONTAGE_RESOLVER_RULES, built by render.mjs), so a request by name that got past the
#   page's policy (a navigation, a popup) goes nowhere.
exec "$MONTAGE_BROWSER" \
  "--js-flags=--max-old-space-size=${MONTAGE_BROWSER_HEAP_MB:-512}" \
  "--host-resolver-rules=${MONTAGE_RESOLVER_RULES:-MAP * ~NOTFOUND, EXCLUDE localhost}" \
  "$@"
