// Builds the pages' vendored front-end files into <repo>/static/vendor/build/ from the
// exact versions pinned in package-lock.json: no CDN, nothing fetched at run time.
//   code-editor.js   CodeMirror 6 (editor/code-editor.js bundled by esbuild, minified)
//   sortable.min.js  SortableJS, as published
// `node scripts/build-vendor.mjs`; cheap enough to run before every `make run`/`make test`.
import {build} from 'esbuild';
import {copyFile, mkdir, readFile, writeFile} from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const project = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(project, '..', 'static', 'vendor', 'build');
await mkdir(out, {recursive: true});

await build({
  entryPoints: [path.join(project, 'editor', 'code-editor.js')],
  bundle: true,
  minify: true,
  format: 'iife',
  globalName: 'MontageCodeEditor',
  target: ['es2020'],
  legalComments: 'eof',
  outfile: path.join(out, 'code-editor.js'),
  logLevel: 'warning',
});
await copyFile(path.join(project, 'node_modules', 'sortablejs', 'Sortable.min.js'), path.join(out, 'sortable.min.js'));

const lock = JSON.parse(await readFile(path.join(project, 'package-lock.json'), 'utf8'));
const versions = Object.fromEntries(
  ['codemirror', '@codemirror/view', '@codemirror/state', '@codemirror/lang-javascript', '@codemirror/lint', 'sortablejs']
    .map((name) => [name, lock.packages[`node_modules/${name}`].version]),
);
await writeFile(path.join(out, 'versions.json'), JSON.stringify(versions, null, 2) + '\n');
console.log(out);
