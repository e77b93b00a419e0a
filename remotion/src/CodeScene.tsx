import React from 'react';
import {AbsoluteFill, cancelRender, delayRender, getRemotionEnvironment} from 'remotion';
import {compileComponent} from './compile';

type BoundaryState = {error: Error | null};

// Studio only: shows the error on the canvas so an editor can fix the code while
// looking at it. Never used while rendering, where an error must fail the render
// (RenderErrorBoundary), nor in the player, which reports it to the page and its parent
// as a render would fail.
class PreviewErrorBoundary extends React.Component<{children: React.ReactNode}, BoundaryState> {
  state: BoundaryState = {error: null};

  static getDerivedStateFromError(error: Error): BoundaryState {
    return {error};
  }

  render() {
    if (this.state.error) {
      return <ErrorFrame message={this.state.error.message} />;
    }
    return this.props.children;
  }
}

const ErrorFrame: React.FC<{message: string}> = ({message}) => (
  <AbsoluteFill
    style={{
      backgroundColor: '#2b0b0b',
      color: '#ffb4b4',
      fontFamily: 'monospace',
      fontSize: 28,
      padding: 48,
      whiteSpace: 'pre-wrap',
    }}
  >
    {message}
  </AbsoluteFill>
);

// While rendering: a component that throws must fail the render with its own message,
// every time. Left uncaught, React 19 reports the error once (window.reportError, which
// the renderer sees as a page exception) and unmounts the whole root, and Remotion only
// listens for page exceptions while it seeks or screenshots a frame: the component first
// mounts before the first frame's listener is attached, so when Node is a little slow
// the one report goes unheard, the empty root is "ready", and the render completes with
// black frames. Cancelling instead is state the renderer checks on every frame: a
// delayRender that is never continued keeps the page from being ready, and cancelRender
// hands over the message.
class RenderErrorBoundary extends React.Component<{children: React.ReactNode}, {failed: boolean}> {
  state = {failed: false};

  static getDerivedStateFromError() {
    return {failed: true};
  }

  componentDidCatch(error: unknown) {
    delayRender('A clip failed; the render is cancelled with its error.');
    try {
      cancelRender(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // cancelRender rethrows what it was given; the renderer reads it from the page,
      // and a rethrow here would only unmount the root as the original error did.
    }
  }

  render() {
    return this.state.failed ? null : this.props.children;
  }
}

const Compiled: React.FC<{code: string}> = ({code}) => {
  const Component = compileComponent(code);
  return <Component />;
};

// One piece of run-time code. While rendering, compile and component errors cancel the
// render with the original message; in the player they reach the player's error event.
export const CodeScene: React.FC<{code: string}> = ({code}) => {
  const environment = getRemotionEnvironment();
  if (environment.isRendering) {
    return (
      <RenderErrorBoundary key={code}>
        <Compiled code={code} />
      </RenderErrorBoundary>
    );
  }
  if (!environment.isStudio) {
    return <Compiled code={code} />;
  }
  return (
    <PreviewErrorBoundary key={code}>
      <Compiled code={code} />
    </PreviewErrorBoundary>
  );
};
