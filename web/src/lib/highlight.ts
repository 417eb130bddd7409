// Syntax highlighting of unified diffs with highlight.js (core + the diff language only, to
// keep the bundle small). highlight.js escapes the code, so its HTML output is safe to insert.
import hljs from 'highlight.js/lib/core';
import diff from 'highlight.js/lib/languages/diff';

hljs.registerLanguage('diff', diff);

export function highlightDiff(text: string): string {
  return hljs.highlight(text, { language: 'diff', ignoreIllegals: true }).value;
}
