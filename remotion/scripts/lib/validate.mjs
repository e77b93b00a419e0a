// Strict syntax check of run-time code before a browser is started. Sucrase, which
// compiles the code in the page, is lenient (mismatched JSX tags pass), so a broken clip
// could otherwise render something; esbuild parses strictly and reports where.
import {transformSync} from 'esbuild';

// The code's own fault, before any frame: the same marker as src/compile.ts's
// CODE_ERROR_PREFIX, which Django maps to the uncharged, unretried `code_error`.
const CODE_ERROR_PREFIX = 'Code error: ';

const describe = (failure, label) => {
  const [first] = failure.errors ?? [];
  if (!first) {
    return `${label}${failure.message}`;
  }
  const where = first.location ? ` (line ${first.location.line}, column ${first.location.column + 1})` : '';
  return `${label}Syntax error${where}: ${first.text}`;
};

const checkSyntax = (code, label) => {
  if (typeof code !== 'string' || code.trim() === '') {
    throw new Error(`${label}${CODE_ERROR_PREFIX}No code to render.`);
  }
  try {
    transformSync(code, {loader: 'tsx', jsx: 'automatic', logLevel: 'silent'});
  } catch (failure) {
    throw new Error(describe(failure, `${label}${CODE_ERROR_PREFIX}`));
  }
};

// Labels match the ones the compositions use for scene errors.
export const validateInputProps = (compositionId, inputProps) => {
  if (compositionId === 'MovieComposition') {
    (inputProps.scenes ?? []).forEach((scene, index) => checkSyntax(scene.code, `Scene ${index + 1}: `));
  } else {
    checkSyntax(inputProps.code, '');
  }
};
