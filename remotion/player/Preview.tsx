import {Player, type PlayerRef} from '@remotion/player';
import React, {useEffect, useRef} from 'react';
import type {PreviewConfig, PreviewError} from './config';
import {describeError} from './errors';
import {listen, sender} from './protocol';

export type Metadata = {width: number; height: number; fps: number; durationInFrames: number};

// While playing, the parent hears about every few frames only: enough to move a playhead.
const FRAME_EVENT_INTERVAL_MS = 100;

const html = document.documentElement;

// After the next paint: a requestAnimationFrame callback runs before it, a task queued
// from there runs after it.
const afterPaint = (callback: () => void) => requestAnimationFrame(() => setTimeout(callback, 0));

export const showError = (config: PreviewConfig, error: PreviewError) => {
  html.dataset.previewError = error.message;
  sender(config.parentOrigins)('error', error);
};

export const ErrorScreen: React.FC<{error: PreviewError}> = ({error}) => (
  <div className="preview-error" role="alert">
    <strong>This code cannot be shown.</strong>
    <pre>
      {error.line !== null ? `Line ${error.line}, column ${error.column}: ` : ''}
      {error.message}
    </pre>
  </div>
);

// The player's fallback for a throw while drawing a frame. It reports from an effect
// rather than the player's error event: an error in the very first frame is caught
// before the listeners below are attached.
const FailedFrame: React.FC<{config: PreviewConfig; error: Error}> = ({config, error}) => {
  const described = describeError(error);
  useEffect(() => showError(config, described), [config, described.message]);
  return <ErrorScreen error={described} />;
};

type Props = {
  config: PreviewConfig;
  component: React.FC<Record<string, unknown>>;
  metadata: Metadata;
};

export const Preview: React.FC<Props> = ({config, component, metadata}) => {
  const player = useRef<PlayerRef>(null);

  useEffect(() => {
    const current = player.current;
    if (!current) {
      return undefined;
    }
    const send = sender(config.parentOrigins);
    let playing = false;
    let lastSent = 0;
    const painted = (frame: number) => {
      const now = performance.now();
      if (playing && now - lastSent < FRAME_EVENT_INTERVAL_MS) {
        return;
      }
      lastSent = now;
      afterPaint(() => {
        html.dataset.frameReady = String(frame);
        send('frame', {frame});
      });
    };
    const onFrame = ({detail}: {detail: {frame: number}}) => painted(detail.frame);
    const onPlay = () => {
      playing = true;
    };
    const onPause = () => {
      playing = false;
      painted(current.getCurrentFrame());
    };
    const onEnded = () => {
      playing = false;
      send('ended');
    };
    current.addEventListener('frameupdate', onFrame);
    current.addEventListener('seeked', onFrame);
    current.addEventListener('play', onPlay);
    current.addEventListener('pause', onPause);
    current.addEventListener('ended', onEnded);
    const stopListening = listen(config.parentOrigins, (command) => {
      if (command.type === 'play') {
        current.play();
      } else if (command.type === 'pause') {
        current.pause();
      } else {
        const frame = Math.min(command.frame, metadata.durationInFrames - 1);
        if (frame === current.getCurrentFrame()) {
          painted(frame);
        } else {
          current.seekTo(frame);
        }
      }
    });
    send('ready', {durationInFrames: metadata.durationInFrames, fps: metadata.fps});
    painted(current.getCurrentFrame());
    return () => {
      stopListening();
      current.removeEventListener('frameupdate', onFrame);
      current.removeEventListener('seeked', onFrame);
      current.removeEventListener('play', onPlay);
      current.removeEventListener('pause', onPause);
      current.removeEventListener('ended', onEnded);
    };
  }, [config, metadata]);

  return (
    <Player
      ref={player}
      component={component}
      inputProps={config.inputProps}
      compositionWidth={metadata.width}
      compositionHeight={metadata.height}
      fps={metadata.fps}
      durationInFrames={metadata.durationInFrames}
      initialFrame={Math.min(config.frame, metadata.durationInFrames - 1)}
      controls={config.chrome}
      loop={config.chrome}
      clickToPlay={config.chrome}
      spaceKeyToPlayOrPause={config.chrome}
      // The frame has no fullscreen permission (sandbox="allow-scripts" only).
      allowFullscreen={false}
      doubleClickToFullscreen={false}
      errorFallback={({error}) => <FailedFrame config={config} error={error} />}
      acknowledgeRemotionLicense
      style={{width: '100%', height: '100%'}}
    />
  );
};
