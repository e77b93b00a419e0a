// Local render entry point: `node scripts/render.mjs <job.json>`.
//
// Django's local backend starts this as a detached process and then only reads the
// progress file named in the job, so everything that happens here - including a crash -
// must end up in that file.
//
// Job: {compositionId, inputProps, outputPath, scratchPath, progressPath, browserExecutable,
//       bundleRoot, timeoutInMilliseconds, stallTimeoutSeconds, browserMemoryMb, assetHosts,
//       egressProxy (host:port of the namespace's way out to the asset hosts, or null),
//       expected?: {width, height, fps, durationInFrames}}
// The MP4 is written to scratchPath and appears at outputPath only when complete.
import {openBrowser, renderMedia, selectComposition} from '@remotion/renderer';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {guardAssetDownloads} from './lib/asset-guard.mjs';
import {ensureBundle} from './lib/bundle-cache.mjs';
import {createProgressWriter} from './lib/progress.mjs';
import {validateInputProps} from './lib/validate.mjs';

const jobPath = path.resolve(process.argv[2] ?? '');
const job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
const scratchOutput = job.scratchPath;
const progress = createProgressWriter(job.progressPath);
guardAssetDownloads(job.assetHosts, job.egressProxy);

const end = (changes, exitCode) => {
  fs.rmSync(scratchOutput, {force: true});
  progress.update(changes);
  process.exit(exitCode);
};

// Chromium names a renderer killed by the memory cap (RENDER_BROWSER_MEMORY_MB) only
// "Page crashed!"; say what most likely happened so the editor can act on it.
const explainCrash = (message) =>
  /^Page crashed/.test(message)
    ? `${message} The page most likely went over its memory limit of ${job.browserMemoryMb} MB.`
    : message;

const fail = (err) => {
  // Errors from the page arrive as "Error: <message>"; keep only the code's own words.
  const message = explainCrash(((err && err.message) || String(err)).replace(/^Error: /, ''));
  console.error(`Render failed: ${message}`);
  // The whole stack goes to the log only: staff read it in the admin (renderer output).
  if (err && err.stack) {
    console.error(err.stack);
  }
  end({stage: 'error', error: message}, 1);
};

// Errors thrown outside the awaited chain (a browser crash, a stream error) must still
// reach the progress file; otherwise Django only sees a dead process.
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// Django cancels by signalling the whole process group; the browser goes with us.
process.on('SIGTERM', () => end({stage: 'cancelled'}, 143));

// Clip code that never returns (a top-level loop runs inside selectComposition, where no
// Remotion timeout fires) or a frame that never finishes leaves the page silent. Node's
// own event loop is not blocked by the page, so a timer here ends such a render.
let lastProgressAt = Date.now();
let doneSoFar = 0;
const madeProgress = () => {
  lastProgressAt = Date.now();
  // Also a heartbeat for Django, which kills the render if Node itself goes silent.
  progress.update({});
};
setInterval(() => {
  const silentFor = (Date.now() - lastProgressAt) / 1000;
  if (silentFor > job.stallTimeoutSeconds) {
    fail(
      new Error(
        `The render stopped responding: no progress for ${job.stallTimeoutSeconds} s ` +
          `(an endless loop or a frame that never finishes in the code?).`,
      ),
    );
  }
}, 1000).unref();

// The sealed browser (scripts/sealed-browser.sh) reads these.
const sealedBrowser = () => {
  process.env.MONTAGE_BROWSER = job.browserExecutable;
  process.env.MONTAGE_BROWSER_MEMORY_MB = String(job.browserMemoryMb);
  const assetNames = job.assetHosts.map((host) => host.replace(/:\d+$/, ''));
  if (job.egressProxy) {
    process.env.MONTAGE_PROXY = job.egressProxy;
  }
  process.env.MONTAGE_RESOLVER_RULES = ['MAP * ~NOTFOUND', 'EXCLUDE localhost', ...assetNames.map((name) => `EXCLUDE ${name}`)].join(', ');
  return path.join(path.dirname(fileURLToPath(import.meta.url)), 'sealed-browser.sh');
};

// The snapshot Django validated (limits, quota) must be what gets rendered.
const checkExpected = (composition) => {
  for (const [key, want] of Object.entries(job.expected ?? {})) {
    if (composition[key] !== want) {
      throw new Error(`The composition's ${key} is ${composition[key]}, the render asked for ${want}.`);
    }
  }
};

// A rename is atomic only within one filesystem; MEDIA_ROOT may be elsewhere, so copy
// next to the destination first and rename there.
const publish = (from, to) => {
  fs.mkdirSync(path.dirname(to), {recursive: true});
  try {
    fs.renameSync(from, to);
  } catch (err) {
    if (err.code !== 'EXDEV') {
      throw err;
    }
    const sibling = `${to}.${process.pid}.partial`;
    fs.copyFileSync(from, sibling);
    fs.renameSync(sibling, to);
    fs.rmSync(from, {force: true});
  }
};

const render = async () => {
  validateInputProps(job.compositionId, job.inputProps);
  progress.update({stage: 'bundling', progress: 0});
  const serveUrl = await ensureBundle(job.bundleRoot, {onProgress: madeProgress});

  progress.update({stage: 'rendering', progress: 0, renderedFrames: 0, encodedFrames: 0});
  madeProgress();
  const browserExecutable = sealedBrowser();
  const common = {
    serveUrl,
    inputProps: job.inputProps,
    browserExecutable,
    // The page's policy admits these hosts besides the bundle (src/seal.ts).
    envVariables: {MONTAGE_ASSET_HOSTS: job.assetHosts.join(',')},
    timeoutInMilliseconds: job.timeoutInMilliseconds,
    logLevel: 'error',
  };
  const browser = await openBrowser('chrome', {browserExecutable, logLevel: 'error'});
  try {
    const composition = await selectComposition({...common, id: job.compositionId, puppeteerInstance: browser});
    madeProgress();
    checkExpected(composition);
    progress.update({totalFrames: composition.durationInFrames});
    await renderMedia({
      ...common,
      composition,
      puppeteerInstance: browser,
      codec: 'h264',
      outputLocation: scratchOutput,
      concurrency: 1,
      onProgress: ({progress: fraction, renderedFrames, encodedFrames}) => {
        // Frames rendered, encoded, or the final stitching moving on.
        const done = renderedFrames + encodedFrames + fraction;
        if (done > doneSoFar) {
          doneSoFar = done;
          madeProgress();
        }
        progress.update({progress: fraction, renderedFrames, encodedFrames});
      },
    });
  } finally {
    await browser.close({silent: true});
  }
  publish(scratchOutput, job.outputPath);
  end({stage: 'done', progress: 1, outputSize: fs.statSync(job.outputPath).size}, 0);
};

render().catch(fail);
