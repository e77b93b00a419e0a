#!/bin/sh
# The browser Remotion starts for a local render (render.mjs passes this file as
# browserExecutable: Remotion has no option for extra Chromium flags or limits). Adds:
# - a data-segment limit on every browser process and a V8 heap cap of half of it, so a
#   runaway allocation in clip code (JS objects or ArrayBuffers, which live outside the
#   V8 heap) fails that page, and so that render, instead of taking the machine's memory;
# - a host resolver that resolves only localhost and the render's asset hosts
#   (MONTAGE_RESOLVER_RULES, built by render.mjs; IP literals are refused too), so a
#   request that got past the page's policy (a navigation, a popup) goes nowhere;
# - WebRTC limited to proxied connections: no UDP of its own, so no ICE/STUN packets;
# - inside a network namespace with asset hosts, the namespace's one way out
#   (MONTAGE_PROXY, the allowlisting proxy of farm/backends/egress.py) in place of
#   Remotion's "no proxy" flags; only localhost (Remotion's own server) stays direct;
# - no frame-rate limit and no vsync: every frame is drawn and captured on demand
#   (Page.captureScreenshot), so the 60 Hz limiter only made each capture wait for the
#   next tick (37 of the ~65 ms per 640x360 frame, measured); the MP4 is byte-identical;
# - as many renderer processes as a job draws pages at once (MONTAGE_RENDERER_PROCESSES):
#   a job's page then reuses the renderer the last one left instead of starting one (about
#   50 ms of every still); jobs of one browser never run at the same time.
ulimit -d $((MONTAGE_BROWSER_MEMORY_MB * 1024))
if [ -n "${MONTAGE_PROXY:-}" ]; then
  for arg do
    shift
    case "$arg" in
      --no-proxy-server|--proxy-server=*|--proxy-bypass-list=*) ;;
      *) set -- "$@" "$arg" ;;
    esac
  done
  # Only `localhost` (Remotion's server in the namespace) goes direct: other loopback
  # addresses are the host's, and an asset host may be one of them.
  set -- "$@" "--proxy-server=http://${MONTAGE_PROXY}" "--proxy-bypass-list=<-loopback>;localhost"
fi
exec "$MONTAGE_BROWSER" \
  "--js-flags=--max-old-space-size=$((MONTAGE_BROWSER_MEMORY_MB / 2))" \
  "--host-resolver-rules=${MONTAGE_RESOLVER_RULES}" \
  --force-webrtc-ip-handling-policy=disable_non_proxied_udp \
  --webrtc-ip-handling-policy=disable_non_proxied_udp \
  --disable-frame-rate-limit \
  --disable-gpu-vsync \
  "--renderer-process-limit=${MONTAGE_RENDERER_PROCESSES}" \
  "$@"
