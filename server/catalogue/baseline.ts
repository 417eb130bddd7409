// Baselines are not changes: a change part that opens with one of the catalogue's baseline markers
// ("baseline", "baseline (…)", "smoke test") or whose first clause ends in one ("1.5x budget
// baseline", "re-run of baseline") names the setting a run used, not something it changed.
import { CATALOGUE } from './catalogue.ts';
import { alternation, LANGUAGE } from './language.ts';
import { VERB_OF } from './prose-verbs.ts';
import { phraseStems, words, type Word } from './words.ts';

/** The markers as stems, longest first ("baseline run" before "baseline"). */
const MARKERS = CATALOGUE.baseline_markers
  .map(phraseStems)
  .filter((s) => s.length > 0)
  .sort((a, b) => b.length - a.length);
/** Words after which a change follows the baseline ("baseline + FP8", "baseline but 10 layers"). */
const THEN_A_CHANGE = /(?:^|[\s,;])(?:\+|but|except|plus|then|minus|and\s+then)(?=\s|$)/i;
/** An explicit change of a value ("baseline LR 0.04 -> 0.05"). */
const VALUE_CHANGE = new RegExp(String.raw`${alternation(LANGUAGE.arrows)}|\bfrom\s+\S+\s+to\s`, 'i');
/** Words that may follow a marker that ends its clause: the setting, not a name it qualifies ("baseline with final eval batch 64"). */
const SETTING = new Set([
  'with',
  'on',
  'at',
  'for',
  'after',
  'using',
  'under',
  'via',
  'in',
  'again',
  'rerun',
  're',
  'run',
  'config',
  'configuration',
  'settings',
  'only',
  'as',
  'from',
]);
/** Words before a marker that make it the object of a change ("revert to baseline", "compare with baseline"). */
const NOT_BEFORE = new Set(['to', 'with', 'against', 'than', 'vs', 'versus', 'over', 'from', 'into', 'toward', 'towards', 'back']);

/** The end index of the longest marker spelled from word i, or -1. */
function markerAt(ws: readonly Word[], i: number): number {
  for (const stems of MARKERS)
    if (stems.every((s, k) => ws[i + k]?.stem === s && (k === 0 || ws[i + k].joined))) return i + stems.length - 1;
  return -1;
}

/** What is left of the text once its parenthesised asides are gone. */
const outsideParens = (text: string) => {
  let s = text;
  for (let prior = ''; prior !== s;) [prior, s] = [s, s.replace(/\([^()]*\)|\[[^[\]]*\]/g, ' ')];
  return s;
};

/** True when a description's change part (`head`, labels already stripped) is a baseline run. */
export function isBaselineHead(head: string): boolean {
  const ws = words(head);
  if (ws.length === 0) return false;
  const after = (end: number) => outsideParens(head.slice(ws[end].end));
  const quiet = (end: number) => !THEN_A_CHANGE.test(after(end)) && !VALUE_CHANGE.test(after(end));
  // "baseline", "baseline: depth 8, SwiGLU", "baseline (AdamW, default config)", "smoke test".
  const opening = markerAt(ws, 0);
  if (opening >= 0) return quiet(opening);
  // "1.5x budget baseline (1050 steps)", "re-run of baseline", "Mac Mini baseline with final eval batch 64".
  for (let i = 1; i < ws.length && ws[i].clause === ws[0].clause && ws[i].depth === 0; i++) {
    const end = markerAt(ws, i);
    if (end < 0) continue;
    const next = ws[end + 1];
    const closes = next === undefined || next.clause !== ws[end].clause || next.depth > 0 || SETTING.has(next.text);
    const plain = ws.slice(0, i).every((w) => !NOT_BEFORE.has(w.text) && !VERB_OF.has(w.text));
    return closes && plain && quiet(end);
  }
  return false;
}
