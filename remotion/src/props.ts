import type {CalculateMetadataFunction} from 'remotion';
import {compileComponent} from './compile';

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

export type MovieScene = {
  code: string;
  // Length of the scene's clip in MOVIE frames, i.e. the scene's duration_override when
  // the clip's fps differs from the movie's, else the clip's own duration. The clip plays
  // at the movie's fps: its useCurrentFrame() counts movie frames.
  durationInFrames: number;
  // The clip's own fps, kept for reference; durationInFrames is already converted.
  fps: number;
  // Frames cut from the start and the end, in the same movie frames.
  trimStart: number;
  trimEnd: number;
};

export type MovieProps = {
  scenes: MovieScene[];
  width?: number;
  height?: number;
  fps?: number;
};

const positiveInt = (name: string, value: unknown, fallback?: number): number => {
  const actual = value ?? fallback;
  if (typeof actual !== 'number' || !Number.isInteger(actual) || actual < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}.`);
  }
  return actual;
};

const nonNegativeInt = (name: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(value)}.`);
  }
  return value;
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

export const visibleFrames = (scene: MovieScene, index: number): number => {
  const label = `Scene ${index + 1}`;
  const duration = positiveInt(`${label} durationInFrames`, scene.durationInFrames);
  const visible =
    duration - nonNegativeInt(`${label} trimStart`, scene.trimStart) - nonNegativeInt(`${label} trimEnd`, scene.trimEnd);
  if (visible < 1) {
    throw new Error(`${label} has no visible frames: its trims remove all ${duration} frames.`);
  }
  return visible;
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
    durationInFrames: props.scenes.reduce((total, scene, index) => total + visibleFrames(scene, index), 0),
  };
};
