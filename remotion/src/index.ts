// seal first: it must run before anything that evaluates clip code.
import './seal';
import {registerRoot} from 'remotion';
import {RemotionRoot} from './Root';

registerRoot(RemotionRoot);
