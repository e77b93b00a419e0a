import React, {useContext, useMemo} from 'react';
import {Internals, Sequence, Series} from 'remotion';
import {CodeScene} from './CodeScene';
import {type MovieProps, visibleFrames} from './props';

// Remotion clamps a sequence's length to what its parent has left, so a clip trimmed at
// the end would see a shorter useVideoConfig().durationInFrames than when rendered alone,
// and an outro keyed to its length would slide into view. Restoring the clip's full
// length uses Remotion's internal sequence context: remotion is pinned to one version and
// the movie render test checks the length each scene sees.
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
export const MovieComposition: React.FC<MovieProps> = ({scenes}) => (
  <Series>
    {scenes.map((scene, index) => (
      <Series.Sequence key={index} durationInFrames={visibleFrames(scene, index)} name={`Scene ${index + 1}`}>
        <Sequence from={-scene.trimStart} durationInFrames={scene.durationInFrames} name="Clip">
          <FullLength durationInFrames={scene.durationInFrames}>
            <CodeScene code={scene.code} />
          </FullLength>
        </Sequence>
      </Series.Sequence>
    ))}
  </Series>
);
