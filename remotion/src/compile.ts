import type React from 'react';
import {transform} from 'sucrase';
import {ALLOWED_MODULES} from './modules';

type CodeComponent = React.ComponentType<Record<string, unknown>>;

const cache = new Map<string, CodeComponent>();

const requireAllowed = (name: string): unknown => {
  if (!Object.prototype.hasOwnProperty.call(ALLOWED_MODULES, name)) {
    throw new Error(
      `Cannot import "${name}": only ${Object.keys(ALLOWED_MODULES).join(', ')} are available.`,
    );
  }
  return ALLOWED_MODULES[name];
};

// Every failure here is the code's own fault and would repeat identically, so it carries
// CODE_ERROR_PREFIX: the backends map it to the `code_error` render error, which is not
// charged against the quota and is not offered a retry.
export const CODE_ERROR_PREFIX = 'Code error: ';

// Where in the clip's code it threw, from the stack of code run by `new Function` (whose
// body starts two lines down; sucrase keeps the code's line numbers): " (line 2, column
// 20)", or "" when the error did not come from the code's own lines.
const codeLocation = (err: unknown): string => {
  const match = err instanceof Error && err.stack ? /<anonymous>:(\d+):(\d+)/.exec(err.stack) : null;
  const line = match ? Number(match[1]) - 2 : 0;
  return line > 0 ? ` (line ${line}, column ${match![2]})` : '';
};

const evaluate = (code: string): CodeComponent => {
  const js = transform(code, {
    transforms: ['jsx', 'typescript', 'imports'],
    jsxRuntime: 'automatic',
    production: true,
    // Sucrase drops imports whose bindings are unused; keep them so an import we cannot
    // provide fails the same way whether or not the code uses it.
    keepUnusedImports: true,
  }).code;
  const module = {exports: {} as Record<string, unknown>};
  // The code runs with React in scope too: older clips call React.createElement without
  // importing React.
  new Function('require', 'module', 'exports', 'React', js)(
    requireAllowed,
    module,
    module.exports,
    ALLOWED_MODULES.react,
  );
  const component = module.exports.default;
  if (typeof component !== 'function' && (typeof component !== 'object' || component === null)) {
    throw new Error('The code must `export default` a React component.');
  }
  return component as CodeComponent;
};

// Turns a clip's source (TSX with ES imports, default-exporting a component) into a
// component. Errors keep the original message so a failed render reports what is wrong
// with the code rather than a generic failure. Compiled components are cached per code
// string: every scene and every frame asks again, and the result never changes.
export const compileComponent = (code: string): CodeComponent => {
  const cached = cache.get(code);
  if (cached) {
    return cached;
  }
  let component: CodeComponent;
  try {
    component = evaluate(code);
  } catch (err) {
    throw new Error(CODE_ERROR_PREFIX + (err instanceof Error ? err.message : String(err)) + codeLocation(err));
  }
  cache.set(code, component);
  return component;
};
