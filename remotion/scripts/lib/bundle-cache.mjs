// One webpack bundle per version of the compositions, shared by every render. The folder
// name is a hash of everything that goes into the bundle, so a changed src/ or lock file
// gets a new bundle while renders still running keep the old one.
import {bundle} from '@remotion/bundler';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {webpackOverride} from './webpack-override.mjs';

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SRC_DIR = path.join(PROJECT_DIR, 'src');
// Older bundles are removed after this long: a render that started on one is over by then.
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

const listFiles = (dir) =>
  fs
    .readdirSync(dir, {withFileTypes: true})
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? listFiles(full) : [full];
    })
    .sort();

export const bundleHash = () => {
  const hash = crypto.createHash('sha256');
  // This file is included: how the bundle is built is part of what it is.
  const inputs = [
    ...listFiles(SRC_DIR),
    path.join(PROJECT_DIR, 'package-lock.json'),
    fileURLToPath(import.meta.url),
    fileURLToPath(new URL('./webpack-override.mjs', import.meta.url)),
  ];
  for (const file of inputs) {
    hash.update(path.relative(PROJECT_DIR, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
};

const removeStaleBundles = (bundleRoot, keep) => {
  for (const name of fs.readdirSync(bundleRoot)) {
    const full = path.join(bundleRoot, name);
    if (name !== keep && Date.now() - fs.statSync(full).mtimeMs > STALE_AFTER_MS) {
      fs.rmSync(full, {recursive: true, force: true});
    }
  }
};

// Remotion writes the project's absolute folder into the page (window.remotion_cwd, only
// used by the Studio to shorten stack traces); the render's page has no business knowing it.
const withoutServerPaths = (indexHtml) => {
  const html = fs.readFileSync(indexHtml, 'utf8');
  fs.writeFileSync(indexHtml, html.replace(/window\.remotion_cwd = "[^"]*";/, 'window.remotion_cwd = null;'));
};

// Returns the bundle folder (a serve URL for selectComposition/renderMedia), building it
// first if needed. Concurrent callers may both build; each builds into its own temporary
// folder and the first rename wins, so nobody ever serves a half-written bundle.
export const ensureBundle = async (bundleRoot, {onProgress = () => {}} = {}) => {
  const name = bundleHash();
  const final = path.join(bundleRoot, name);
  if (fs.existsSync(path.join(final, 'index.html'))) {
    return final;
  }
  fs.mkdirSync(bundleRoot, {recursive: true});
  const tmp = fs.mkdtempSync(path.join(bundleRoot, `.tmp-${name}-`));
  try {
    await bundle({
      entryPoint: path.join(SRC_DIR, 'index.ts'),
      outDir: tmp,
      // webpack's cache lives in node_modules and is shared by concurrent builds; a
      // rebuild happens only when the sources change, so the cold build is affordable.
      enableCaching: false,
      webpackOverride,
      onProgress: (percent) => onProgress(percent / 100),
    });
    withoutServerPaths(path.join(tmp, 'index.html'));
    fs.renameSync(tmp, final);
  } catch (err) {
    fs.rmSync(tmp, {recursive: true, force: true});
    if (!['EEXIST', 'ENOTEMPTY'].includes(err.code)) {
      throw err;
    }
  }
  removeStaleBundles(bundleRoot, name);
  return final;
};
