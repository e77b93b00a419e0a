import React from 'react';
import {Composition} from 'remotion';
import {COMPOSITIONS} from './compositions';
import type {DynamicCodeProps, MovieProps} from './props';

// What the Studio shows when opened without input props; renders always pass their own.
const SAMPLE_CODE = `import {AbsoluteFill, interpolate, useCurrentFrame} from 'remotion';
export default function Sample() {
  const frame = useCurrentFrame();
  return (
    <AbsoluteFill style={{backgroundColor: '#101820', color: 'white', justifyContent: 'center', alignItems: 'center', fontSize: 120}}>
      <div style={{opacity: interpolate(frame, [0, 20], [0, 1], {extrapolateRight: 'clamp'})}}>Montage</div>
    </AbsoluteFill>
  );
}
`;

export const RemotionRoot: React.FC = () => (
  <>
    <Composition
      id="DynamicCode"
      component={COMPOSITIONS.DynamicCode.component}
      calculateMetadata={COMPOSITIONS.DynamicCode.calculateMetadata}
      defaultProps={{code: SAMPLE_CODE, durationInFrames: 60, fps: 30} as DynamicCodeProps}
    />
    <Composition
      id="MovieComposition"
      component={COMPOSITIONS.MovieComposition.component}
      calculateMetadata={COMPOSITIONS.MovieComposition.calculateMetadata}
      defaultProps={
        {
          scenes: [
            {code: SAMPLE_CODE, durationInFrames: 60, fps: 30, trimStart: 0, trimEnd: 0},
            {code: SAMPLE_CODE, durationInFrames: 60, fps: 30, trimStart: 20, trimEnd: 0},
          ],
        } as MovieProps
      }
    />
  </>
);
