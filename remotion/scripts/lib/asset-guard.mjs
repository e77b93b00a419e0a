// Restricts what the render's Node process downloads for the page. Remotion's served
// bundle has a proxy route (/proxy?src=..., used by <OffthreadVideo>) and collects
// <Audio>/<Video> sources after rendering; both download any http(s) URL the page names,
// from Node, where the browser's policy does not apply. Every such download goes through
// http.get / https.get (@remotion/renderer's assets/read-file.js), so those two are
// wrapped here: a host outside the render's allowlist fails the download with a clear
// error before any connection is made. Remotion's own connections (the DevTools socket to
// Chromium, its local server) use http.request and are not affected.
import http from 'node:http';
import https from 'node:https';

const hostOf = (target) => {
  if (typeof target === 'string' || target instanceof URL) {
    return new URL(target).host;
  }
  // An options object: {host|hostname, port}.
  const name = target.hostname ?? target.host ?? 'localhost';
  return target.port ? `${name}:${target.port}` : name;
};

export const guardAssetDownloads = (allowedHosts) => {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  for (const module of [http, https]) {
    const original = module.get;
    module.get = function guardedGet(target, ...rest) {
      const host = hostOf(target).toLowerCase();
      if (!allowed.has(host)) {
        // Thrown before connecting: readFile rejects with it and the render fails.
        throw new Error(
          `Downloading from ${host} is not allowed: a render may only load its bundle's own files ` +
            `and assets from RENDER_ASSET_HOSTS.`,
        );
      }
      return original.call(this, target, ...rest);
    };
  }
};
