/* The clip editor: CodeMirror over the code textarea (static/vendor/build/code-editor.js),
   the check on save's error marked at its line and column, and Ctrl/Cmd+S to save. */
(() => {
  'use strict';
  const textarea = document.querySelector('textarea[data-code-editor]');
  if (!textarea || !window.MontageCodeEditor) return;
  const problemData = document.getElementById('code-problem');
  const problem = problemData ? JSON.parse(problemData.textContent) : null;
  const view = MontageCodeEditor.enhance(textarea, {problem});
  if (problem) view.focus();
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      textarea.form.requestSubmit();
    }
  });
})();
