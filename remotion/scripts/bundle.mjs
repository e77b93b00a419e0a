// Builds the shared bundle ahead of the first render: `node scripts/bundle.mjs <bundleRoot>`.
// Prints the bundle folder; does nothing when it is already current.
import path from 'node:path';
import {ensureBundle} from './lib/bundle-cache.mjs';

const bundleRoot = process.argv[2];
if (!bundleRoot) {
  console.error('Usage: node scripts/bundle.mjs <bundle root folder>');
  process.exit(2);
}
console.log(await ensureBundle(path.resolve(bundleRoot)));
