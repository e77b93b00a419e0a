// The progress file is the only channel from a detached render to Django: it is replaced
// atomically (write a sibling, then rename) so a reader never sees half a JSON document,
// and intermediate updates are throttled because a reader polls every few seconds anyway.
import fs from 'node:fs';

const MIN_INTERVAL_MS = 250;

export const createProgressWriter = (progressPath) => {
  let lastWrite = 0;
  let state = {stage: 'starting', progress: 0};

  const flush = () => {
    const tmp = `${progressPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({...state, pid: process.pid, updatedAt: new Date().toISOString()}));
    fs.renameSync(tmp, progressPath);
    lastWrite = Date.now();
  };

  return {
    // A new stage (and so every final one: done, error, cancelled) is written at once.
    update(changes) {
      const newStage = changes.stage !== undefined && changes.stage !== state.stage;
      state = {...state, ...changes};
      if (newStage || Date.now() - lastWrite >= MIN_INTERVAL_MS) {
        flush();
      }
    },
  };
};
