// Local render entry point: `node scripts/render.mjs <job.json>`.
//
// Django's local backend starts this as a detached process and then only reads the
// progress file named in the job, so everything that happens here - including a crash -
// must end up in that file.
//
// Job: {compositionId, inputProps, outputPath, scratchPath, progressPath, browserExecutable,
//       bundleRoot, timeoutInMilliseconds, expected?: {width, height, fps, durationInFrames}}
// The MP4 is written to scratchPath and appears at outputPath only when complete.
import {openBrowser, renderMedia, selectComposition} from '@remotion/renderer';
import fs from 'node:fs';
import path from 'node:path';
import {ensureBundle} from './lib/bundle-cache.mjs';
import {createProgressWriter} from './lib/progress.mjs';
import {validateInputProps} from './lib/validate.mjs';

const jobPath = path.resolve(process.argv[2] ?? '');
const job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
const scratchOutput = job.scratchPath;
const progress = createProgressWriter(job.progressPath);

const end = (changes, exitCode) => {
  fs.rmSync(scratchOutput, {force: true});
  progress.update(changes);
  process.exit(exitCode);
};

const fail = (err) => {
  // Errors from the page arrive as "Error: <message>"; keep only the code's own words.
  const message = ((err && err.message) || String(err)).replace(/^Error: /, '');
  console.error(`Render failed: ${message}`);
  end({stage: 'error', error: message}, 1);
};

// Errors thrown outside the awaited chain (a browser crash, a stream error) must still
// reach the progress file; otherwise Django only sees a dead process.
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// Django cancels by signalling the whole process group; the browser goes with us.
process.on('SIGTERM', () => end({stage: 'cancelled'}, 143));

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
  const serveUrl = await ensureBundle(job.bundleRoot);

  progress.update({stage: 'rendering', progress: 0, renderedFrames: 0, encodedFrames: 0});
  const common = {
    serveUrl,
    inputProps: job.inputProps,
    browserExecutable: job.browserExecutable,
    timeoutInMilliseconds: job.timeoutInMilliseconds,
    logLevel: 'error',
  };
  const browser = await openBrowser('chrome', {browserExecutable: job.browserExecutable, logLevel: 'error'});
  try {
    const composition = await selectComposition({...common, id: job.compositionId, puppeteerInstance: browser});
    checkExpected(composition);
    progress.update({totalFrames: composition.durationInFrames});
    await renderMedia({
      ...common,
      composition,
      puppeteerInstance: browser,
      codec: 'h264',
      outputLocation: scratchOutput,
      concurrency: 1,
      onProgress: ({progress: fraction, renderedFrames, encodedFrames}) =>
        progress.update({progress: fraction, renderedFrames, encodedFrames}),
    });
  } finally {
    await browser.close({silent: true});
  }
  publish(scratchOutput, job.outputPath);
  end({stage: 'done', progress: 1, outputSize: fs.statSync(job.outputPath).size}, 0);
};

render().catch(fail);
