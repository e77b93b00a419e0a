"""What generated code may use: the allowed modules and the denied globals, properties and syntax.

The allowed-module list is remotion/src/allowed-modules.json, the file the Remotion project
itself reads to decide what `import` provides at render time (one list, two readers).
The denylists close the ways out of the page's module allowlist that a model, or whoever
steers its prompt, could write statically: the network, the DOM and its window, timers,
code built from strings, the bundle's own loader, and the prototype chain back to
`Function`. Names computed at run time (`obj[a + b]`) cannot be seen here; render-time
sealing is the layer behind this one.
"""
import json
from functools import cache
from pathlib import Path

from django.conf import settings

ALLOWED_MODULES_FILE = Path("src") / "allowed-modules.json"

# Free references to these are refused (a local variable of the same name is fine).
DENIED_GLOBALS = frozenset(
    {
        # code from strings, meta-programming
        "eval", "Function", "Proxy", "Reflect", "WebAssembly",
        # the global object and the DOM behind it
        "globalThis", "global", "window", "self", "top", "parent", "frames", "opener",
        "document", "navigator", "location", "history", "open", "postMessage",
        # network and storage
        "fetch", "XMLHttpRequest", "WebSocket", "EventSource", "Request", "Image", "Audio",
        "FontFace", "Worker", "SharedWorker", "importScripts", "BroadcastChannel",
        "MessageChannel", "localStorage", "sessionStorage", "indexedDB", "caches",
        # timers: work outside Remotion's frame model, and loops that outlive a frame
        "setTimeout", "setInterval", "setImmediate", "requestAnimationFrame",
        "requestIdleCallback", "queueMicrotask",
        # Node and the bundle's own loader
        "process", "require", "__webpack_require__", "__webpack_modules__",
        "__non_webpack_require__",
    }
)
# WebRTC's constructors and their prefixed twins: ICE sends UDP to IP literals, which
# neither the page's policy nor the browser's host resolver governs.
WEBRTC_PREFIXES = (
    "RTCPeerConnection", "RTCSessionDescription", "RTCIce", "RTCDataChannel", "RTCRtp", "RTCDtls",
    "RTCSctp", "RTCCertificate", "RTCDTMF", "RTCEncoded", "RTCError", "RTCTrackEvent", "webkitRTC", "mozRTC",
)
# Globals the bundler creates under generated names (webpackChunk<project>, ...), and WebRTC.
DENIED_GLOBAL_PREFIXES = ("webpackChunk", "__webpack", "__remotion", "remotion_", *WEBRTC_PREFIXES)

# Property names refused after a dot, as object keys, in destructuring and as string keys
# (`obj['constructor']`, `{constructor: F} = fn`): the ways from any value back to
# `Function`, and from a DOM node back to its window.
DENIED_PROPERTIES = frozenset(
    {
        "constructor", "prototype", "__proto__", "__defineGetter__", "__defineSetter__",
        "__lookupGetter__", "__lookupSetter__", "getPrototypeOf", "setPrototypeOf",
        "getOwnPropertyNames", "getOwnPropertyDescriptor", "getOwnPropertyDescriptors",
        "ownerDocument", "defaultView", "contentWindow", "contentDocument", "getRootNode",
        # markup that runs or loads outside React's elements
        "dangerouslySetInnerHTML", "innerHTML", "outerHTML", "insertAdjacentHTML", "srcDoc", "srcdoc",
        "formAction",
        # V8 stack frames hand out the functions and receivers of the renderer's own code
        "prepareStackTrace", "captureStackTrace", "getThis", "getFunction", "caller", "callee",
        "eval", "fetch", "sendBeacon", "XMLHttpRequest", "WebSocket", "EventSource",
        "globalThis", "document", "navigator", "importScripts",
        "setTimeout", "setInterval", "requestAnimationFrame", "__webpack_require__",
    }
)


# Elements that load another document, run script or navigate, refused as JSX tags and as
# the first argument of createElement / jsx().
DENIED_ELEMENTS = frozenset(
    {
        "iframe", "frame", "frameset", "object", "embed", "script", "meta", "link", "base", "form",
        "portal", "applet",
    }
)


@cache
def allowed_modules():
    path = Path(settings.REMOTION_PROJECT_DIR) / ALLOWED_MODULES_FILE
    return frozenset(json.loads(path.read_text()))


def is_denied_global(name):
    return name in DENIED_GLOBALS or name.startswith(DENIED_GLOBAL_PREFIXES)


def is_denied_property(name):
    # Any `__x` member is an engine, bundler or React internal, never a clip's business.
    return name in DENIED_PROPERTIES or name.startswith(("__", *DENIED_GLOBAL_PREFIXES))
