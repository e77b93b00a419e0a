import type {CalculateMetadataFunction} from 'remotion';
import {compileComponent} from './compile';
import {positiveInt, timelineDuration, type TimelineScene} from './Timeline';

export const DEFAULT_WIDTH = 1920;
export const DEFAULT_HEIGHT = 1080;
export const DEFAULT_FPS = 30;

export type DynamicCodeProps = {
  code: string;
  durationInFrames: number;
  fps: number;
  width?: number;
  height?: number;
};

// durationInFrames is the scene's duration_override when the clip's fps differs from the
// movie's, else the clip's own duration (see Timeline.tsx for the frame units).
export type MovieScene = TimelineScene & {
  code: string;
  // The clip's own fps, kept for reference; durationInFrames is already converted.
  fps: number;
};

export type MovieProps = {
  scenes: MovieScene[];
  width?: number;
  height?: number;
  fps?: number;
};

const frameSize = (props: {width?: number; height?: number}) => ({
  width: positiveInt('width', props.width, DEFAULT_WIDTH),
  height: positiveInt('height', props.height, DEFAULT_HEIGHT),
});

// Compiling here makes a render with an unknown import or a top-level throw fail while
// the composition is selected, before a single frame is rendered. Only when rendering:
// the Studio shows such errors on the canvas instead.
const compileWhenRendering = (code: string, isRendering: boolean, label: string) => {
  if (!isRendering) {
    return;
  }
  try {
    compileComponent(code);
  } catch (err) {
    throw new Error(`${label}${(err as Error).message}`);
  }
};

export const dynamicCodeMetadata: CalculateMetadataFunction<DynamicCodeProps> = ({props, isRendering}) => {
  compileWhenRendering(props.code, isRendering, '');
  return {
    ...frameSize(props),
    fps: positiveInt('fps', props.fps, DEFAULT_FPS),
    durationInFrames: positiveInt('durationInFrames', props.durationInFrames),
  };
};

export const movieMetadata: CalculateMetadataFunction<MovieProps> = ({props, isRendering}) => {
  if (!Array.isArray(props.scenes) || props.scenes.length === 0) {
    throw new Error('Movie has no valid scenes.');
  }
  props.scenes.forEach((scene, index) => compileWhenRendering(scene.code, isRendering, `Scene ${index + 1}: `));
  return {
    ...frameSize(props),
    fps: positiveInt('fps', props.fps, DEFAULT_FPS),
    durationInFrames: timelineDuration(props.scenes),
  };
};
