// Seals the page before any clip code can run: this module is the bundle's first import,
// so it executes before Remotion evaluates a composition, locally and on Lambda alike
// (the policy travels inside the bundle, not in a server or a deploy step).
//
// The policy lets the page load only its own bundle's assets, data: and blob: URLs, and
// the hosts the render was given (RENDER_ASSET_HOSTS, passed as the Remotion env variable
// named in farm/backends/base.py). A policy added by a <meta> element cannot be
// loosened or removed by later code: removing the element keeps it, and a second policy
// only narrows.
// The policy does not govern navigation, popups or WebRTC (Chromium has no navigate-to,
// and ICE goes to IP literals): what the page itself can close is closed below -
// window.open, the WebRTC constructors, navigations of this page (the Navigation API's
// navigate event), links, form submission and meta refresh, also in same-origin child
// frames. The rest is the network namespace's job on the local backend (README,
// "Running untrusted code").

type SealedWindow = typeof globalThis & {
  remotion_isStudio?: boolean;
  remotion_envVariables?: string;
  remotion_proxyPort?: number;
  navigation?: EventTarget;
};

const ASSET_HOSTS_VARIABLE = 'MONTAGE_ASSET_HOSTS';

const assetHosts = (win: SealedWindow): string[] => {
  try {
    const env = JSON.parse(win.remotion_envVariables ?? '{}') as Record<string, string>;
    return (env[ASSET_HOSTS_VARIABLE] ?? '')
      .split(',')
      .map((host) => host.trim())
      // A host[:port] only: anything else could smuggle a directive or a wildcard in.
      .filter((host) => /^[a-z0-9.-]+(:\d+)?$/i.test(host));
  } catch {
    return [];
  }
};

const contentSecurityPolicy = (bundleBase: string, mediaProxy: string, hosts: string[]): string => {
  const allowed = [bundleBase, 'data:', 'blob:', ...hosts.flatMap((host) => [`https://${host}`, `http://${host}`])];
  return [
    "default-src 'none'",
    // The bundle's chunks; eval because clip code is compiled with new Function.
    `script-src ${bundleBase} 'unsafe-eval'`,
    `style-src ${bundleBase} 'unsafe-inline'`,
    `img-src ${allowed.join(' ')} ${mediaProxy}`,
    `media-src ${allowed.join(' ')}`,
    `font-src ${allowed.join(' ')}`,
    // <OffthreadVideo> fetches its frames from the renderer's /proxy route (exactly that
    // path), which downloads only from the asset hosts (scripts/lib/asset-guard.mjs).
    `connect-src ${mediaProxy}`,
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // CSP3's WebRTC switch, for browsers that implement it (Chromium 156 sends STUN
    // despite it, measured): the constructors go below, the local flags stop UDP.
    "webrtc 'block'",
  ].join('; ');
};

const NAVIGATING = 'a, area';
// Elements whose insertion navigates or loads a document: meta refresh, frames.
const LOADING = 'meta[http-equiv="refresh" i], iframe, frame, object, embed';
const WEBRTC = /^(webkit|moz)?RTC/;
const nothing = () => null;

const freeze = (win: object, name: string, value: unknown) => {
  try {
    Object.defineProperty(win, name, {value, writable: false, configurable: false});
  } catch {
    // Already frozen (a child frame reached twice).
  }
};

// What can be closed from inside a window, for this page and any same-origin frame.
const closeWindow = (win: SealedWindow) => {
  freeze(win, 'open', nothing);
  for (const name of Object.getOwnPropertyNames(win).filter((n) => WEBRTC.test(n))) {
    freeze(win, name, undefined);
  }
  const cancel = (event: Event) => event.preventDefault();
  // location.assign / href / replace, this frame's links and forms, meta refresh.
  win.navigation?.addEventListener('navigate', cancel);
  // Links that open elsewhere (target=_blank) are not this frame's navigations.
  win.addEventListener('click', (event) => {
    const target = event.target;
    if (target instanceof win.Element && target.closest(NAVIGATING)) {
      event.preventDefault();
    }
  }, true);
  freeze(win.HTMLFormElement.prototype, 'submit', nothing);
  freeze(win.HTMLFormElement.prototype, 'requestSubmit', nothing);
  // A meta refresh or a frame is acted on when it is inserted: take it out at once and
  // stop whatever it scheduled.
  new win.MutationObserver((records: MutationRecord[]) => {
    const found = records.some((record) =>
      [...Array.from(record.addedNodes), record.target].some(
        (node) => node instanceof win.Element && (node.matches(LOADING) || node.querySelector(LOADING)),
      ),
    );
    if (found) {
      win.document.querySelectorAll(LOADING).forEach((element) => element.remove());
      win.stop();
    }
  }).observe(win.document, {childList: true, subtree: true, attributes: true, attributeFilter: ['http-equiv', 'src', 'data']});
  // Same-origin child frames (about:blank) come with fresh globals: seal them when their
  // initial document loads (synchronously, as the element is inserted: before clip code
  // could reach them as window[0]) and before their element hands them out.
  win.document.addEventListener('load', (event) => {
    const target = event.target;
    if (target instanceof win.HTMLIFrameElement || target instanceof win.HTMLFrameElement) {
      const child = target.contentWindow;
      if (child) closeChild(child as unknown as SealedWindow);
    }
  }, true);
  for (const frame of [win.HTMLIFrameElement, win.HTMLFrameElement, win.HTMLObjectElement]) {
    for (const property of ['contentWindow', 'contentDocument'] as const) {
      const getter = Object.getOwnPropertyDescriptor(frame.prototype, property)?.get;
      if (!getter) continue;
      Object.defineProperty(frame.prototype, property, {
        configurable: false,
        get(this: HTMLElement) {
          const child = (property === 'contentWindow' ? getter.call(this) : getter.call(this)?.defaultView) as SealedWindow | null;
          if (child) closeChild(child);
          return getter.call(this);
        },
      });
    }
  }
};

const sealedChildren = new WeakSet<object>();
const closeChild = (child: SealedWindow) => {
  try {
    if (!sealedChildren.has(child)) {
      sealedChildren.add(child);
      closeWindow(child);
    }
  } catch {
    // Cross-origin: its own policy and origin apply.
  }
};

const seal = (win: SealedWindow) => {
  // The Studio needs its dev server's event stream and hot reload; it only ever runs
  // code its own user typed.
  if (win.remotion_isStudio) {
    return;
  }
  const meta = win.document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  // The folder the bundle was served from, not the whole origin: on Lambda the origin
  // is an S3 bucket that may hold other objects.
  const mediaProxy = `http://localhost:${Number(win.remotion_proxyPort) || 3000}/proxy`;
  meta.content = contentSecurityPolicy(new URL('.', win.location.href).href, mediaProxy, assetHosts(win));
  win.document.head.prepend(meta);
  closeWindow(win);
};

seal(window as SealedWindow);
