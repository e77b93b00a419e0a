// Builds the player bundle (player/index.tsx: the compositions, compile path and seal of
// src/, played by @remotion/player) into one script for the embed page, served as a
// static file: `node scripts/player-bundle.mjs <outDir>` writes <outDir>/player.js.
// esbuild is the bundler Remotion's own bundler ships with, pinned in package.json; one
// self-contained file needs no loader, so the embed page's policy names a single script.
// Does nothing when the inputs have not changed since the last build.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {build} from 'esbuild';

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const listFiles = (dir) =>
  fs
    .readdirSync(dir, {withFileTypes: true})
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();

const inputsHash = () => {
  const hash = crypto.createHash('sha256');
  const inputs = [
    ...listFiles(path.join(PROJECT_DIR, 'src')),
    ...listFiles(path.join(PROJECT_DIR, 'player')),
    path.join(PROJECT_DIR, 'package-lock.json'),
    fileURLToPath(import.meta.url),
  ];
  for (const file of inputs) {
    hash.update(path.relative(PROJECT_DIR, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
};

const outDir = process.argv[2];
if (!outDir) {
  console.error('Usage: node scripts/player-bundle.mjs <output folder>');
  process.exit(2);
}
const output = path.resolve(outDir, 'player.js');
// A dot file: collectstatic skips it, so only the script is published.
const stamp = path.resolve(outDir, '.player.inputs');
const hash = inputsHash();
if (fs.existsSync(output) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) {
  console.log(output);
  process.exit(0);
}
fs.mkdirSync(path.dirname(output), {recursive: true});
// Written beside the final name and renamed, so a page never loads half a file.
const tmp = `${output}.${process.pid}.tmp`;
await build({
  entryPoints: [path.join(PROJECT_DIR, 'player', 'index.tsx')],
  outfile: tmp,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'chrome110',
  jsx: 'automatic',
  minify: true,
  legalComments: 'none',
  define: {'process.env.NODE_ENV': '"production"'},
  logLevel: 'error',
});
fs.renameSync(tmp, output);
fs.writeFileSync(stamp, hash);
console.log(output);
