// Seals the page before any clip code can run: this module is the bundle's first import,
// so it executes before Remotion evaluates a composition, locally and on Lambda alike
// (the policy travels inside the bundle, not in a server or a deploy step).
//
// The policy lets the page load only its own bundle's assets, data: and blob: URLs, and
// the hosts the render was given (RENDER_ASSET_HOSTS, passed as the Remotion env variable
// named in farm/backends/base.py). A policy added by a <meta> element cannot be
// loosened or removed by later code: removing the element keeps it, and a second policy
// only narrows.
// It does not stop navigation or popups (Chromium has no navigate-to); window.open is
// closed below, the rest is the network namespace's job on the local backend.

type SealedWindow = Window & {
  remotion_isStudio?: boolean;
  remotion_envVariables?: string;
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

const contentSecurityPolicy = (bundleBase: string, hosts: string[]): string => {
  const allowed = [bundleBase, 'data:', 'blob:', ...hosts.flatMap((host) => [`https://${host}`, `http://${host}`])];
  return [
    "default-src 'none'",
    // The bundle's chunks; eval because clip code is compiled with new Function.
    `script-src ${bundleBase} 'unsafe-eval'`,
    `style-src ${bundleBase} 'unsafe-inline'`,
    `img-src ${allowed.join(' ')}`,
    `media-src ${allowed.join(' ')}`,
    `font-src ${allowed.join(' ')}`,
    "connect-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "worker-src 'none'",
    "object-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
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
  meta.content = contentSecurityPolicy(new URL('.', win.location.href).href, assetHosts(win));
  win.document.head.prepend(meta);
  Object.defineProperty(win, 'open', {value: () => null, writable: false, configurable: false});
};

seal(window as SealedWindow);
