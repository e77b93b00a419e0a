// One render job, run in a browser someone else opened: the per-process renderer
// (render.mjs, one job then exit) and the warm service (warm-service.mjs, many jobs through
// one browser) both run jobs through here, so every job is sealed, checked, watched and
// reported the same way whichever of them runs it.
//
// Job: {kind: 'media'|'still', compositionId, inputProps, outputPath, scratchPath,
//       progressPath, browserExecutable, bundleRoot, timeoutInMilliseconds,
//       stallTimeoutSeconds, browserMemoryMb, assetHosts, networkNamespace, egressProxy,
//       concurrency,
//       expected: {width, height, fps, durationInFrames}, frame?, imageFormat?}
// The output is written to scratchPath and appears at outputPath only when complete.
import {renderMedia, renderStill, selectComposition} from '@remotion/renderer';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {createProgressWriter} from './progress.mjs';
import {validateInputProps} from './validate.mjs';

// What a browser is opened with; a warm service only takes jobs that ask for the same.
export const browserConfigOf = (job) => ({
  browserExecutable: job.browserExecutable,
  browserMemoryMb: job.browserMemoryMb,
  assetHosts: [...job.assetHosts].sort(),
  bundleRoot: job.bundleRoot,
  networkNamespace: Boolean(job.networkNamespace),
  // host:port of the namespace's way out to the asset hosts, or null.
  egressProxy: job.egressProxy ?? null,
  // Pages a job draws frames in at once (LOCAL_RENDER_FRAME_CONCURRENCY).
  concurrency: job.concurrency ?? 1,
});

// The sealed browser (scripts/sealed-browser.sh) reads these; returns the executable to
// pass to Remotion for it.
export const sealedBrowser = (config) => {
  process.env.MONTAGE_BROWSER = config.browserExecutable;
  process.env.MONTAGE_BROWSER_MEMORY_MB = String(config.browserMemoryMb);
  process.env.MONTAGE_RENDERER_PROCESSES = String(config.concurrency);
  const assetNames = config.assetHosts.map((host) => host.replace(/:\d+$/, ''));
  if (config.egressProxy) {
    process.env.MONTAGE_PROXY = config.egressProxy;
  }
  process.env.MONTAGE_RESOLVER_RULES = ['MAP * ~NOTFOUND', 'EXCLUDE localhost', ...assetNames.map((name) => `EXCLUDE ${name}`)].join(', ');
  return path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'sealed-browser.sh');
};

// Chromium names a renderer killed by the memory cap (RENDER_BROWSER_MEMORY_MB) only
// "Page crashed!"; say what most likely happened so the editor can act on it.
export const failureMessage = (err, job) => {
  // Errors from the page arrive as "Error: <message>"; keep only the code's own words.
  const message = ((err && err.message) || String(err)).replace(/^Error: /, '');
  return /^Page crashed/.test(message)
    ? `${message} The page most likely went over its memory limit of ${job.browserMemoryMb} MB.`
    : message;
};

export const stallMessage = (job) =>
  `The render stopped responding: no progress for ${job.stallTimeoutSeconds} s ` +
  `(an endless loop or a frame that never finishes in the code?).`;

// The snapshot Django validated (limits, quota) is what gets rendered: the composition's
// metadata is a function of its props (src/props.ts), which Django computed the same
// snapshot from, so a clip's numbers are passed as the composition itself rather than
// asking a page for them first (a page load per job saved); its one scene compiles on
// the first frame with the same message, and a clip that throws while rendering fails
// there too (CodeScene's error boundary cancels the render). A movie's composition is
// selected in the page, which compiles every scene first, so a broken later scene fails
// before any frame (a code error, not charged), and its numbers are checked.
const compositionFor = async (job, common) => {
  if (job.compositionId !== 'MovieComposition') {
    return {
      id: job.compositionId,
      ...job.expected,
      props: job.inputProps,
      defaultProps: {},
      defaultCodec: null,
      defaultOutName: null,
      defaultVideoImageFormat: null,
      defaultPixelFormat: null,
      defaultProResProfile: null,
    };
  }
  const composition = await selectComposition({...common, id: job.compositionId});
  for (const [key, want] of Object.entries(job.expected)) {
    if (composition[key] !== want) {
      throw new Error(`The composition's ${key} is ${composition[key]}, the render asked for ${want}.`);
    }
  }
  return composition;
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

// The job's progress file and its stall watch. Clip code that never returns or a frame
// that never finishes leaves the page silent; Node's own event loop is not blocked by the
// page, so a timer here notices (`onStall`) and the runner ends the job.
export const trackJob = (job, onStall) => {
  const progress = createProgressWriter(job.progressPath);
  let lastProgressAt = Date.now();
  let doneSoFar = 0;
  let finished = false;
  const madeProgress = () => {
    lastProgressAt = Date.now();
    // Also a heartbeat for Django, which kills the render if Node itself goes silent.
    progress.update({});
  };
  const timer = setInterval(() => {
    if (!finished && (Date.now() - lastProgressAt) / 1000 > job.stallTimeoutSeconds) {
      onStall();
    }
  }, 1000);
  timer.unref();
  return {
    progress,
    madeProgress,
    // Frames rendered, encoded, or the final stitching moving on.
    onRenderProgress: ({progress: fraction, renderedFrames, encodedFrames}) => {
      const done = renderedFrames + encodedFrames + fraction;
      if (done > doneSoFar) {
        doneSoFar = done;
        madeProgress();
      }
      progress.update({progress: fraction, renderedFrames, encodedFrames});
    },
    // The job's last word: only the first final state counts.
    end(changes) {
      if (finished) {
        return false;
      }
      finished = true;
      clearInterval(timer);
      fs.rmSync(job.scratchPath, {force: true});
      progress.update(changes);
      return true;
    },
  };
};

// Renders `job` in `browser` from the bundle at `serveUrl`; resolves once the output is
// published. Errors (the code's, a crash, a cancel) reject.
export const renderJob = async (job, {browser, browserExecutable, serveUrl, tracker, cancelSignal}) => {
  validateInputProps(job.compositionId, job.inputProps);
  tracker.progress.update({stage: 'rendering', progress: 0, renderedFrames: 0, encodedFrames: 0});
  tracker.madeProgress();
  const common = {
    serveUrl,
    inputProps: job.inputProps,
    browserExecutable,
    puppeteerInstance: browser,
    cancelSignal,
    // The page's policy admits these hosts besides the bundle (src/seal.ts).
    envVariables: {MONTAGE_ASSET_HOSTS: job.assetHosts.join(',')},
    timeoutInMilliseconds: job.timeoutInMilliseconds,
    logLevel: 'error',
  };
  const composition = await compositionFor(job, common);
  tracker.madeProgress();
  tracker.progress.update({totalFrames: job.kind === 'still' ? 1 : job.expected.durationInFrames});
  if (job.kind === 'still') {
    await renderStill({...common, composition, frame: job.frame, imageFormat: job.imageFormat, output: job.scratchPath, overwrite: true});
    tracker.onRenderProgress({progress: 1, renderedFrames: 1, encodedFrames: 1});
  } else {
    await renderMedia({
      ...common,
      composition,
      codec: 'h264',
      outputLocation: job.scratchPath,
      concurrency: job.concurrency ?? 1,
      onProgress: tracker.onRenderProgress,
    });
  }
  publish(job.scratchPath, job.outputPath);
  return fs.statSync(job.outputPath).size;
};
