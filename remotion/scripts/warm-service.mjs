// A warm local renderer: `node scripts/warm-service.mjs <config.json>`, one per render host
// slot, started and restarted by the Celery workers (farm/warm_supervisor.py).
//
// It keeps the bundle built and served (lib/bundle-server.mjs) and a sealed browser open,
// and takes one job at a time over a Unix socket; the job file and its progress file are
// exactly those of the per-process renderer (render.mjs, lib/render-job.mjs), so Django
// polls and cancels the same way.
// A job that crashes its page, stalls, hits the memory cap or is cancelled ends alone:
// its page is closed with it and the browser is restarted before the next job. After
// `maxJobs` jobs the service exits when idle, so a slow leak cannot grow forever; the
// supervisor starts a fresh one.
//
// Config: {socketPath, browserExecutable, browserMemoryMb, assetHosts, bundleRoot,
//          networkNamespace, maxJobs, idleExitSeconds}
// The supervisor asks for the status every second or so; a service nobody has asked for
// `idleExitSeconds` (its workers are gone) exits once idle, so none is left behind, while
// a job in hand still finishes for whichever worker polls it.
// Requests, one JSON line per connection, one JSON line back:
//   {type: 'status'} -> {pid, config, busy, job, jobs, browserStarts}
//   {type: 'job', job: <job.json path>} -> {accepted: true} | {accepted: false, reason}
//   {type: 'cancel', job: <job.json path>} -> {cancelled: bool}
import {makeCancelSignal, openBrowser} from '@remotion/renderer';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {guardAssetDownloads} from './lib/asset-guard.mjs';
import {ensureBundle} from './lib/bundle-cache.mjs';
import {serveBundles} from './lib/bundle-server.mjs';
import {browserConfigOf, failureMessage, renderJob, sealedBrowser, stallMessage, trackJob} from './lib/render-job.mjs';

const config = JSON.parse(fs.readFileSync(path.resolve(process.argv[2] ?? ''), 'utf8'));
const serviceConfig = browserConfigOf(config);
guardAssetDownloads(serviceConfig.assetHosts, serviceConfig.egressProxy);
const browserExecutable = sealedBrowser(serviceConfig);

const bundles = await serveBundles(config.bundleRoot);
let browser = null;
let browserStarts = 0;
let serveUrl = null;
let current = null; // {jobPath, cancel, tracker}
let finishing = false;
let queued = null; // {jobPath, job}
let jobsDone = 0;
let exiting = false;

const log = (message) => console.log(`${new Date().toISOString()} warm-service[${process.pid}] ${message}`);

const startBrowser = async () => {
  browser = await openBrowser('chrome', {browserExecutable, logLevel: 'error'});
  browser.on('targetcreated', noteOrigin);
  browser.on('targetchanged', noteOrigin);
  browserStarts += 1;
};

// Closing politely can hang on a page stuck in a loop; the browser runs in a process
// group of its own, which is killed whatever state it is in.
const stopBrowser = async () => {
  const closing = browser;
  browser = null;
  if (!closing) {
    return;
  }
  const pid = closing.runner?.proc?.pid;
  await Promise.race([closing.close({silent: true}).catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
  if (pid) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
};

const sameConfig = (job) => JSON.stringify(browserConfigOf(job)) === JSON.stringify(serviceConfig);

// Pages of one job must leave nothing for the next: the origins its pages visited (the
// next job's server may get the same port, so the same origin) are wiped of every kind
// of storage once the job ends.
const visitedOrigins = new Set();
const noteOrigin = (target) => {
  try {
    const {origin, protocol} = new URL(target.url());
    if (protocol === 'http:' || protocol === 'https:') {
      visitedOrigins.add(origin);
    }
  } catch {
    // about:blank and the like hold nothing.
  }
};

// Chromium answers Storage commands only in a page's session, so a blank page is opened
// for them and closed again.
const forgetJob = async () => {
  const origins = [...visitedOrigins];
  visitedOrigins.clear();
  const {connection} = browser;
  const {value: {targetId}} = await connection.send('Target.createTarget', {url: 'about:blank'});
  try {
    const session = await connection.createSession({targetId, type: 'page', title: '', url: 'about:blank', attached: false, canAccessOpener: false});
    await Promise.all(origins.map((origin) => session.send('Storage.clearDataForOrigin', {origin, storageTypes: 'all'})));
  } finally {
    await connection.send('Target.closeTarget', {targetId});
  }
};

// Between jobs: the next job gets a browser with nothing of this one left. One job may
// be accepted meanwhile; it starts once this is done.
const finishJob = async ({failed}) => {
  current = null;
  finishing = true;
  jobsDone += 1;
  try {
    // A crash, a stall, a memory kill or a cancel may leave the browser or a page in any
    // state: the next job gets a fresh browser then.
    await (failed || !browser ? Promise.reject(new Error('restart')) : forgetJob()).catch(async () => {
      await stopBrowser();
      await startBrowser();
    });
  } catch (err) {
    crash(err);
    return;
  }
  finishing = false;
  if (jobsDone >= config.maxJobs) {
    log(`${jobsDone} jobs done: exiting for a fresh service`);
    exiting = true;
    await shutDown(0);
    return;
  }
  if (queued) {
    const next = queued;
    queued = null;
    runJob(next.jobPath, next.job);
  }
};

// How long a cancelled or stalled job's render may take to give up before the service
// stops waiting for it (its browser is gone by then).
const ABANDON_AFTER_MS = 3000;

const runJob = async (jobPath, job) => {
  const startedAt = Date.now();
  const {cancelSignal, cancel} = makeCancelSignal();
  let abandon;
  const abandoned = new Promise((resolve) => {
    abandon = () => setTimeout(resolve, ABANDON_AFTER_MS);
  });
  const tracker = trackJob(job, () => {
    tracker.end({stage: 'error', error: stallMessage(job)});
    log(`job ${jobPath} stalled`);
    cancel();
    // The page may be stuck in a loop that a cancel cannot interrupt.
    stopBrowser();
    abandon();
  });
  current = {jobPath, tracker, cancel: () => (cancel(), abandon()), cancelled: false};
  let failed = true;
  try {
    serveUrl = bundles.urlOf(await ensureBundle(config.bundleRoot, {onProgress: tracker.madeProgress}));
    const rendering = renderJob(job, {browser, browserExecutable, serveUrl, tracker, cancelSignal});
    // A render that lost the race below may still reject later: that is not a crash.
    rendering.catch(() => {});
    const outputSize = await Promise.race([rendering, abandoned]);
    if (outputSize === undefined) {
      throw new Error(stallMessage(job));
    }
    failed = false;
    tracker.end({stage: 'done', progress: 1, outputSize});
    log(`job ${jobPath} done in ${Date.now() - startedAt} ms`);
  } catch (err) {
    const message = failureMessage(err, job);
    if (tracker.end(current.cancelled ? {stage: 'cancelled'} : {stage: 'error', error: message})) {
      log(`job ${jobPath} ended: ${current.cancelled ? 'cancelled' : message}`);
    }
  }
  await finishJob({failed});
};

let lastStatusAt = Date.now();
setInterval(() => {
  if (!current && !finishing && !queued && (Date.now() - lastStatusAt) / 1000 > config.idleExitSeconds) {
    log(`no supervisor for ${config.idleExitSeconds} s: exiting`);
    shutDown(0);
  }
}, 1000).unref();

const accept = (request) => {
  if (request.type === 'status') {
    lastStatusAt = Date.now();
    return {pid: process.pid, config: serviceConfig, serveUrl, busy: Boolean(current || finishing || !browser), job: current?.jobPath ?? null, jobs: jobsDone, browserStarts};
  }
  if (request.type === 'cancel') {
    if (queued?.jobPath === request.job) {
      trackJob(queued.job, () => {}).end({stage: 'cancelled'});
      queued = null;
      return {cancelled: true};
    }
    if (current?.jobPath !== request.job) {
      return {cancelled: false};
    }
    current.cancelled = true;
    current.cancel();
    return {cancelled: true};
  }
  if (request.type !== 'job') {
    return {error: `unknown request type ${JSON.stringify(request.type)}`};
  }
  const job = JSON.parse(fs.readFileSync(request.job, 'utf8'));
  if (current || queued || exiting || jobsDone >= config.maxJobs || !sameConfig(job)) {
    return {accepted: false, reason: sameConfig(job) ? 'busy' : 'config'};
  }
  if (finishing) {
    queued = {jobPath: request.job, job};
  } else {
    runJob(request.job, job);
  }
  return {accepted: true, pid: process.pid};
};

const server = net.createServer((socket) => {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('error', () => {});
  socket.on('data', (chunk) => {
    buffer += chunk;
    const newline = buffer.indexOf('\n');
    if (newline < 0) {
      return;
    }
    let reply;
    try {
      reply = accept(JSON.parse(buffer.slice(0, newline)));
    } catch (err) {
      reply = {error: failureMessage(err, config)};
    }
    socket.end(`${JSON.stringify(reply)}\n`);
  });
});

const shutDown = async (code) => {
  server.close();
  bundles.close();
  fs.rmSync(config.socketPath, {force: true});
  await stopBrowser();
  process.exit(code);
};

// A crash of the service itself: the job in hand is reported failed, then the supervisor
// starts a fresh service.
const crash = (err) => {
  const message = failureMessage(err, config);
  log(`crashed: ${message}`);
  current?.tracker.end({stage: 'error', error: `The render service stopped: ${message}`});
  if (queued) {
    trackJob(queued.job, () => {}).end({stage: 'error', error: `The render service stopped: ${message}`});
  }
  shutDown(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);
process.on('SIGTERM', () => {
  current?.tracker.end({stage: 'error', error: 'The render service was stopped before the render finished.'});
  shutDown(143);
});

serveUrl = bundles.urlOf(await ensureBundle(config.bundleRoot));
await startBrowser();
fs.rmSync(config.socketPath, {force: true});
server.listen(config.socketPath, () => log(`ready on ${config.socketPath} with ${serveUrl}`));
