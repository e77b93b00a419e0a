// The player bundle: the render bundle's compositions, compile path and seal, played by
// @remotion/player on the embed page (previews/, always in <iframe sandbox="allow-scripts">).
// Order matters: config sets what the seal reads, the seal runs before any clip code.
import {config, type PreviewError} from './config';
import '../src/seal';
import React from 'react';
import {createRoot} from 'react-dom/client';
import {COMPOSITIONS, type CompositionId} from '../src/compositions';
import {describeError} from './errors';
import {ErrorScreen, type Metadata, Preview, showError} from './Preview';

// The metadata the render computes when it selects the composition, compile check
// included (isRendering), so code a render would refuse before its first frame shows the
// same message here instead of a player.
const selectComposition = async (): Promise<Metadata> => {
  const entry = COMPOSITIONS[config.compositionId as CompositionId];
  if (!entry) {
    throw new Error(`Unknown composition ${config.compositionId}.`);
  }
  const props = config.inputProps as never;
  const metadata = await entry.calculateMetadata({
    props,
    defaultProps: props,
    abortSignal: new AbortController().signal,
    compositionId: config.compositionId,
    isRendering: true,
  });
  return metadata as Metadata;
};

const fail = (error: PreviewError) => {
  showError(config, error);
  root.render(<ErrorScreen error={error} />);
};

const root = createRoot(document.getElementById('preview')!);
if (config.error) {
  fail(config.error);
} else {
  selectComposition().then((metadata) => {
    const component = COMPOSITIONS[config.compositionId as CompositionId].component as React.FC<Record<string, unknown>>;
    root.render(<Preview config={config} component={component} metadata={metadata} />);
  }, (error: unknown) => fail(describeError(error)));
}
