// Local render entry point, one process per render: `node scripts/render.mjs <job.json>`.
//
// Django's local backend starts this as a detached process when no warm service
// (warm-service.mjs) can take the job, and then only reads the progress file named in the
// job, so everything that happens here - including a crash - must end up in that file.
// The job and what is done with it: lib/render-job.mjs.
import {openBrowser} from '@remotion/renderer';
import fs from 'node:fs';
import path from 'node:path';
import {guardAssetDownloads} from './lib/asset-guard.mjs';
import {ensureBundle} from './lib/bundle-cache.mjs';
import {browserConfigOf, failureMessage, renderJob, sealedBrowser, stallMessage, trackJob} from './lib/render-job.mjs';

const jobPath = path.resolve(process.argv[2] ?? '');
const job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
guardAssetDownloads(job.assetHosts, job.egressProxy);

const end = (changes, exitCode) => {
  tracker.end(changes);
  process.exit(exitCode);
};

const fail = (err) => {
  const message = failureMessage(err, job);
  console.error(`Render failed: ${message}`);
  // The whole stack goes to the log only: staff read it in the admin (renderer output).
  if (err && err.stack) {
    console.error(err.stack);
  }
  end({stage: 'error', error: message}, 1);
};

const tracker = trackJob(job, () => fail(new Error(stallMessage(job))));
// Errors thrown outside the awaited chain (a browser crash, a stream error) must still
// reach the progress file; otherwise Django only sees a dead process.
process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
// Django cancels by signalling the whole process group; the browser goes with us.
process.on('SIGTERM', () => end({stage: 'cancelled'}, 143));

const render = async () => {
  tracker.progress.update({stage: 'bundling', progress: 0});
  const serveUrl = await ensureBundle(job.bundleRoot, {onProgress: tracker.madeProgress});
  tracker.madeProgress();
  const browserExecutable = sealedBrowser(browserConfigOf(job));
  const browser = await openBrowser('chrome', {browserExecutable, logLevel: 'error'});
  let outputSize;
  try {
    outputSize = await renderJob(job, {browser, browserExecutable, serveUrl, tracker, cancelSignal: null});
  } finally {
    await browser.close({silent: true});
  }
  end({stage: 'done', progress: 1, outputSize}, 0);
};

render().catch(fail);
