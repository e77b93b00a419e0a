import React from 'react';
import type {CalculateMetadataFunction} from 'remotion';
import {CodeScene} from './CodeScene';
import {MovieComposition} from './MovieComposition';
import {type DynamicCodeProps, dynamicCodeMetadata, movieMetadata, type MovieProps} from './props';

const DynamicCode: React.FC<DynamicCodeProps> = ({code}) => <CodeScene code={code} />;

type Entry<Props extends Record<string, unknown>> = {
  component: React.FC<Props>;
  calculateMetadata: CalculateMetadataFunction<Props>;
};

// The compositions by the id a render snapshot names. The render bundle registers them
// (Root.tsx) and the player bundle plays them (../player), so a preview and a render of
// one snapshot run the same components and the same metadata (size, fps, length, and
// the compile check).
export const COMPOSITIONS = {
  DynamicCode: {component: DynamicCode, calculateMetadata: dynamicCodeMetadata} as Entry<DynamicCodeProps>,
  MovieComposition: {component: MovieComposition, calculateMetadata: movieMetadata} as Entry<MovieProps>,
};

export type CompositionId = keyof typeof COMPOSITIONS;
