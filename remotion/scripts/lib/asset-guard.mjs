// Restricts what the render's Node process downloads for the page. Remotion's served
// bundle has a proxy route (/proxy?src=..., used by <OffthreadVideo>) and collects
// <Audio>/<Video> sources after rendering; both download any http(s) URL the page names,
// from Node, where the browser's policy does not apply. Every such download goes through
// http.get / https.get (@remotion/renderer's assets/read-file.js), so those two are
// wrapped here: a host outside the render's allowlist fails the download with a clear
// error before any connection is made. Remotion's own connections (the DevTools socket to
// Chromium, its local server) use http.request and are not affected.
//
// The /proxy route itself is guarded too: whatever the page asks, it serves only data:
// URLs and the allowed hosts (Remotion would also hand a `same-as-...` source straight to
// its frame extractor as a local path).
//
// Inside a network namespace with asset hosts, the allowed downloads go through the
// namespace's one way out, the allowlisting proxy (`proxy`, host:port): plain HTTP as a
// proxy request, HTTPS through a CONNECT tunnel.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

const hostOf = (target) => {
  if (typeof target === 'string' || target instanceof URL) {
    return new URL(target).host;
  }
  // An options object: {host|hostname, port}.
  const name = target.hostname ?? target.host ?? 'localhost';
  return target.port ? `${name}:${target.port}` : name;
};

const refusal = (host) =>
  new Error(
    `Downloading from ${host} is not allowed: a render may only load its bundle's own files ` +
      `and assets from RENDER_ASSET_HOSTS.`,
  );

const splitHostPort = (hostPort) => {
  const at = hostPort.lastIndexOf(':');
  return {host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1))};
};

// An https.Agent whose connections are CONNECT tunnels through the proxy.
class TunnelAgent extends https.Agent {
  constructor(proxy) {
    super({keepAlive: false});
    this.proxy = proxy;
  }

  createConnection(options, done) {
    const target = `${options.host}:${options.port}`;
    const connect = http.request({...this.proxy, method: 'CONNECT', path: target, headers: {host: target}});
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        done(new Error(`The asset proxy refused ${target}: ${response.statusCode} ${response.statusMessage}`));
        return;
      }
      // SNI names a host, never an address (RFC 6066).
      const servername = options.servername || (net.isIP(options.host) ? undefined : options.host);
      done(null, tls.connect({...options, socket, servername}));
    });
    connect.once('error', done);
    connect.end();
  }
}

const throughProxy = (module, original, proxy, agent) =>
  function proxiedGet(target, ...rest) {
    const url = new URL(target instanceof URL ? target.href : target);
    const options = typeof rest[0] === 'object' && rest[0] !== null ? rest.shift() : {};
    if (module === https) {
      return original.call(module, url, {...options, agent}, ...rest);
    }
    const headers = {...options.headers, host: url.host};
    return original.call(module, {...options, ...proxy, path: url.href, headers}, ...rest);
  };

const guardProxyRoute = (isAllowed) => {
  const createServer = http.createServer;
  http.createServer = function guardedCreateServer(...args) {
    const listener = args.findIndex((arg) => typeof arg === 'function');
    if (listener >= 0) {
      const serve = args[listener];
      args[listener] = (request, response) => {
        if (!request.url?.startsWith('/proxy')) {
          return serve(request, response);
        }
        const src = new URL(request.url, 'http://localhost').searchParams.get('src') ?? '';
        const host = /^https?:\/\//i.test(src) ? new URL(src).host.toLowerCase() : null;
        if (src.startsWith('data:') || (host !== null && isAllowed(host))) {
          return serve(request, response);
        }
        // The shape <OffthreadVideo> reads an error from.
        response.writeHead(500, {'content-type': 'application/json', 'access-control-allow-origin': '*'});
        response.end(JSON.stringify({error: refusal(host ?? src.slice(0, 40)).message}));
      };
    }
    return createServer.apply(this, args);
  };
};

export const guardAssetDownloads = (allowedHosts, proxy = null) => {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  const isAllowed = (host) => allowed.has(host);
  const viaProxy = proxy ? splitHostPort(proxy) : null;
  const agent = viaProxy ? new TunnelAgent(viaProxy) : null;
  for (const module of [http, https]) {
    const original = module.get;
    const allowedGet = viaProxy ? throughProxy(module, original, viaProxy, agent) : original;
    module.get = function guardedGet(target, ...rest) {
      const host = hostOf(target).toLowerCase();
      if (!isAllowed(host)) {
        // Thrown before connecting: readFile rejects with it and the render fails.
        throw refusal(host);
      }
      return allowedGet.call(this, target, ...rest);
    };
  }
  guardProxyRoute(isAllowed);
};
