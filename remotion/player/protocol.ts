// The postMessage protocol with the embedding page (documented in README.md, "Previews").
// Commands from the parent: {type: 'play'}, {type: 'pause'}, {type: 'seek', frame}.
// Events to the parent, each with source 'montage-preview': ready {durationInFrames, fps},
// frame {frame}, ended, error {message, line, column}.

export type Command = {type: 'play'} | {type: 'pause'} | {type: 'seek'; frame: number};

const SOURCE = 'montage-preview';

// The frame runs in an opaque origin and cannot tell which allowed origin embeds it; a
// message addressed to an origin that is not the parent's is dropped by the browser, so
// each allowed origin is tried and nothing reaches any other.
export const sender =
  (parentOrigins: string[]) =>
  (type: string, payload: Record<string, unknown> = {}) => {
    if (window.parent === window) {
      return;
    }
    for (const origin of parentOrigins) {
      window.parent.postMessage({source: SOURCE, type, ...payload}, origin);
    }
  };

const isCommand = (data: unknown): data is Command => {
  if (typeof data !== 'object' || data === null) {
    return false;
  }
  const {type, frame} = data as {type?: unknown; frame?: unknown};
  if (type === 'seek') {
    return typeof frame === 'number' && Number.isInteger(frame) && frame >= 0;
  }
  return type === 'play' || type === 'pause';
};

// Commands only from the embedding window, and only when it is on an allowed origin.
export const listen = (parentOrigins: string[], onCommand: (command: Command) => void) => {
  const onMessage = (event: MessageEvent) => {
    if (event.source !== window.parent || !parentOrigins.includes(event.origin) || !isCommand(event.data)) {
      return;
    }
    onCommand(event.data);
  };
  window.addEventListener('message', onMessage);
  return () => window.removeEventListener('message', onMessage);
};
