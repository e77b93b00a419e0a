// A movie's timeline: scenes played one after another, each showing only its visible
// frames. Montage's MovieComposition renders movies with this file, and a movie exported
// as a Remotion project carries this very file, so the export plays the movie frame for
// frame as Montage renders it. It imports nothing but react and remotion.
import React, {useContext, useMemo} from 'react';
import {Internals, Sequence, Series} from 'remotion';

export type TimelineScene = {
  // Length of the scene's clip on the movie's timeline, in movie frames, before trims.
  // The clip plays at the movie's fps: its useCurrentFrame() counts movie frames.
  durationInFrames: number;
  // Frames cut from the start and the end, in the same movie frames.
  trimStart: number;
  trimEnd: number;
};

export const positiveInt = (name: string, value: unknown, fallback?: number): number => {
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

export const visibleFrames = (scene: TimelineScene, index: number): number => {
  const label = `Scene ${index + 1}`;
  const duration = positiveInt(`${label} durationInFrames`, scene.durationInFrames);
  const visible =
    duration - nonNegativeInt(`${label} trimStart`, scene.trimStart) - nonNegativeInt(`${label} trimEnd`, scene.trimEnd);
  if (visible < 1) {
    throw new Error(`${label} has no visible frames: its trims remove all ${duration} frames.`);
  }
  return visible;
};

export const timelineDuration = (scenes: TimelineScene[]): number =>
  scenes.reduce((total, scene, index) => total + visibleFrames(scene, index), 0);

// Remotion clamps a sequence's length to what its parent has left, so a clip trimmed at
// the end would see a shorter useVideoConfig().durationInFrames than when rendered alone,
// and an outro keyed to its length would slide into view. Restoring the clip's full
// length uses Remotion's internal sequence context: remotion is pinned to one version and
// Montage's movie render test checks the length each scene sees.
const FullLength: React.FC<{durationInFrames: number; children: React.ReactNode}> = ({
  durationInFrames,
  children,
}) => {
  const sequence = useContext(Internals.SequenceContext);
  const value = useMemo(() => sequence && {...sequence, durationInFrames}, [sequence, durationInFrames]);
  return <Internals.SequenceContext.Provider value={value}>{children}</Internals.SequenceContext.Provider>;
};

// Each scene occupies only its visible frames on the movie's timeline. Inside, a sequence
// starting trimStart frames early gives the clip its own frame numbers: the first frame
// shown is the clip's frame trimStart, the last its frame durationInFrames - trimEnd - 1.
export function Timeline<Scene extends TimelineScene>({
  scenes,
  renderScene,
}: {
  scenes: Scene[];
  renderScene: (scene: Scene) => React.ReactNode;
}) {
  return (
    <Series>
      {scenes.map((scene, index) => (
        <Series.Sequence key={index} durationInFrames={visibleFrames(scene, index)} name={`Scene ${index + 1}`}>
          <Sequence from={-scene.trimStart} durationInFrames={scene.durationInFrames} name="Clip">
            <FullLength durationInFrames={scene.durationInFrames}>{renderScene(scene)}</FullLength>
          </Sequence>
        </Series.Sequence>
      ))}
    </Series>
  );
}
