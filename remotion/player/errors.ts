import type {PreviewError} from './config';

// new Function puts two lines of its own before the body, and sucrase keeps the clip's
// line numbers, so a frame of the compiled clip is two lines below the source line.
const FUNCTION_HEADER_LINES = 2;

// Sucrase ends a syntax error with "(line:column)"; a throw in the clip's code has a
// stack frame in the evaluated function ("<anonymous>:line:column").
export const describeError = (error: unknown): PreviewError => {
  const message = error instanceof Error ? error.message : String(error);
  const syntax = /\((\d+):(\d+)\)\s*$/.exec(message);
  if (syntax) {
    return {message, line: Number(syntax[1]), column: Number(syntax[2])};
  }
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const frame = /<anonymous>:(\d+):(\d+)/.exec(stack);
  if (frame) {
    return {message, line: Number(frame[1]) - FUNCTION_HEADER_LINES, column: Number(frame[2])};
  }
  return {message, line: null, column: null};
};
