// The clip editor's code box, bundled by scripts/build-vendor.mjs into
// static/vendor/build/code-editor.js (an IIFE that sets window.MontageCodeEditor).
// It enhances a <textarea>: the textarea stays the form field, so the page still posts
// plain form data and works without JavaScript.
import {EditorView, basicSetup} from 'codemirror';
import {javascript} from '@codemirror/lang-javascript';
import {setDiagnostics} from '@codemirror/lint';

function offsetOf(doc, line, column) {
  const safeLine = Math.min(Math.max(line, 1), doc.lines);
  const start = doc.line(safeLine);
  return Math.min(start.from + Math.max(column - 1, 0), start.to);
}

export function enhance(textarea, {problem} = {}) {
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      basicSetup,
      javascript({jsx: true, typescript: true}),
      // Long lines wrap and the editor grows with the code, so the page is the only
      // scrolling region: no second scroller for keyboard users to reach.
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({'aria-label': textarea.getAttribute('aria-label') || 'Code'}),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) textarea.value = update.state.doc.toString();
      }),
    ],
  });
  textarea.hidden = true;
  textarea.insertAdjacentElement('afterend', view.dom);
  if (problem && problem.line) {
    // The check on save reports 1-based lines and columns.
    const from = offsetOf(view.state.doc, problem.line, problem.column || 1);
    const to = Math.min(from + 1, view.state.doc.length);
    view.dispatch(setDiagnostics(view.state, [{from, to, severity: 'error', message: problem.message}]));
    view.dispatch({selection: {anchor: from}, scrollIntoView: true});
  }
  return view;
}
