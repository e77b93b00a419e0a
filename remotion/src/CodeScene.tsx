import React from 'react';
import {AbsoluteFill, getRemotionEnvironment} from 'remotion';
import {compileComponent} from './compile';

type BoundaryState = {error: Error | null};

// Studio only: shows the error on the canvas so an editor can fix the code while
// looking at it. Never used while rendering, where an error must fail the render, nor in
// the player, which reports it to the page and its parent as a render would fail.
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

const Compiled: React.FC<{code: string}> = ({code}) => {
  const Component = compileComponent(code);
  return <Component />;
};

// One piece of run-time code. While rendering, compile and component errors propagate
// to Remotion, which rejects the render with the original message; in the player they
// reach the player's error event.
export const CodeScene: React.FC<{code: string}> = ({code}) => {
  if (!getRemotionEnvironment().isStudio) {
    return <Compiled code={code} />;
  }
  return (
    <PreviewErrorBoundary key={code}>
      <Compiled code={code} />
    </PreviewErrorBoundary>
  );
};
