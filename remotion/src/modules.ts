// The only modules that code compiled at run time may import. Each is bundled here, so
// the same list works on the local renderer and on Lambda (no network at render time).
// Node-only packages (@remotion/renderer, bundler, cli, lambda) cannot run in the page.
// allowed-modules.json names them for Django's check on save too; tests compare both.
import * as Noise from '@remotion/noise';
import * as Paths from '@remotion/paths';
import * as Shapes from '@remotion/shapes';
import * as Transitions from '@remotion/transitions';
import * as Fade from '@remotion/transitions/fade';
import * as Slide from '@remotion/transitions/slide';
import * as Wipe from '@remotion/transitions/wipe';
import * as Flip from '@remotion/transitions/flip';
import * as ClockWipe from '@remotion/transitions/clock-wipe';
import * as React from 'react';
import * as JsxRuntime from 'react/jsx-runtime';
import * as Remotion from 'remotion';

import allowedNames from './allowed-modules.json';

const PROVIDED: Record<string, unknown> = {
  react: React,
  'react/jsx-runtime': JsxRuntime,
  remotion: Remotion,
  '@remotion/noise': Noise,
  '@remotion/paths': Paths,
  '@remotion/shapes': Shapes,
  '@remotion/transitions': Transitions,
  '@remotion/transitions/fade': Fade,
  '@remotion/transitions/slide': Slide,
  '@remotion/transitions/wipe': Wipe,
  '@remotion/transitions/flip': Flip,
  '@remotion/transitions/clock-wipe': ClockWipe,
};

// A name listed but not provided here (or provided but not listed) would make Django
// accept code the renderer cannot run, or refuse code it can: fail the bundle instead.
const missing = allowedNames.filter((name) => !(name in PROVIDED));
const unlisted = Object.keys(PROVIDED).filter((name) => !allowedNames.includes(name));
if (missing.length > 0 || unlisted.length > 0) {
  throw new Error(`allowed-modules.json and modules.ts disagree: missing ${missing}, unlisted ${unlisted}`);
}

export const ALLOWED_MODULES: Record<string, unknown> = PROVIDED;
