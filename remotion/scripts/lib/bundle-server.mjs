// The warm service's own server for the bundles (bundle-cache.mjs): one origin for the
// service's life, files marked immutable. Given a folder, Remotion starts a server on a
// fresh port for every call, so each job's page was a new origin that fetched and
// compiled the 2 MB of bundle.js again; from a fixed origin with a long max-age the
// browser's HTTP cache and V8's code cache keep it (a warm 1080p still: about 350 ->
// 220 ms, bench/stills.py). Immutable is true by construction: a bundle folder's name is
// the hash of everything in it, and a changed bundle gets a new folder, so a new URL.
//
// Only files inside a bundle folder are served, and only to GET or HEAD; the server
// listens on the loopback of the service's network namespace (or of the host when it
// has none), where the sealed page may load its bundle (src/seal.ts) and nothing else.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.map': 'application/json', '.css': 'text/css'};

const fileFor = (bundleRoot, requestUrl) => {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(requestUrl, 'http://localhost').pathname);
  } catch {
    return null;
  }
  const [name, ...rest] = pathname.split('/').filter(Boolean);
  // A bundle is a folder named by its hash, never a dot-named temporary build.
  if (!name || !/^[0-9a-f]{16}$/.test(name) || rest.some((part) => part === '..' || part.startsWith('.'))) {
    return null;
  }
  const folder = path.join(bundleRoot, name);
  const file = path.join(folder, ...(rest.length ? rest : ['index.html']));
  return file.startsWith(`${folder}${path.sep}`) ? file : null;
};

export const serveBundles = async (bundleRoot) => {
  const root = path.resolve(bundleRoot);
  const server = http.createServer((request, response) => {
    const file = request.method === 'GET' || request.method === 'HEAD' ? fileFor(root, request.url) : null;
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': data.length,
        'cache-control': 'public, max-age=31536000, immutable',
      });
      response.end(request.method === 'HEAD' ? undefined : data);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const {port} = server.address();
  return {
    // The serve URL of a bundle folder (what ensureBundle returns).
    urlOf: (bundleDir) => `http://localhost:${port}/${path.basename(bundleDir)}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
};
