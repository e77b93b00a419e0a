import React from 'react';
import {CodeScene} from './CodeScene';
import {type MovieProps} from './props';
import {Timeline} from './Timeline';

// Each scene's clip is code compiled at run time; exported projects use the same
// Timeline with the clips' code as modules of their own.
export const MovieComposition: React.FC<MovieProps> = ({scenes}) => (
  <Timeline scenes={scenes} renderScene={(scene) => <CodeScene code={scene.code} />} />
);
