// Unified diffs of train.py: the changed lines alone, normalised so one edit is one string
// wherever it sits, and the `NAME = value` assignments it changes.
import { makeChange, type ParamChange } from './param-change.ts';
import { PARAMS, RESOLVE_BY_VALUE, TUPLES } from './lexicon.ts';
import { canonicalParam } from './tokens.ts';
import { parsePythonLiteral, type Value } from './values.ts';

export interface DiffLine {
  sign: '+' | '-';
  text: string;
}

/** How a line of Python stands at `stop`: the string quote open there (null outside strings), or where its comment starts. */
function scanLine(line: string, stop: number): { quote: string | null; comment: number } {
  let quote: string | null = null;
  for (let i = 0; i < stop; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return { quote: null, comment: i };
  }
  return { quote, comment: -1 };
}

/** Whether `pos` of a line lies inside a string literal (a docstring's `"""` opens one as well). */
export function inStringAt(line: string, pos: number): boolean {
  return scanLine(line, pos).quote !== null;
}

/** A code line without its trailing comment, whitespace collapsed and dropped beside punctuation. */
function normaliseLine(line: string): string {
  const { comment } = scanLine(line, line.length);
  const end = comment < 0 ? line.length : comment;
  return line
    .slice(0, end)
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/ ?([^\w\s]) ?/g, '$1');
}

/**
 * The +/- lines of a diff's hunks, normalised, without file headers, hunk headers, context,
 * blank or comment-only lines, and without lines a hunk removes and adds back unchanged.
 */
export function changedLines(diff: string): DiffLine[] {
  const lines = diff.split(/\r?\n/);
  const hasHunks = lines.some((l) => l.startsWith('@@'));
  const out: DiffLine[] = [];
  let hunk: DiffLine[] = [];
  let inHunk = !hasHunks;
  const flush = () => {
    const removed = hunk.filter((l) => l.sign === '-').map((l) => l.text);
    const added = hunk.filter((l) => l.sign === '+').map((l) => l.text);
    for (const l of hunk) {
      const other = l.sign === '-' ? added : removed;
      const at = other.indexOf(l.text);
      if (at >= 0) other.splice(at, 1);
      else out.push(l);
    }
    hunk = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fileHeader = (line.startsWith('--- ') || line === '---') && lines[i + 1]?.startsWith('+++');
    if (line.startsWith('@@') || line.startsWith('diff --git') || fileHeader) {
      flush();
      inHunk = line.startsWith('@@');
      if (fileHeader) i++;
      continue;
    }
    if (!inHunk || !(line.startsWith('+') || line.startsWith('-'))) continue;
    const text = normaliseLine(line.slice(1));
    if (text) hunk.push({ sign: line[0] as '+' | '-', text });
  }
  flush();
  return out;
}

/** The normalised diff: its changed lines, `-` or `+` first, one per line; null when there are none. */
export function normaliseDiff(diff: string): string | null {
  const lines = changedLines(diff);
  return lines.length ? renderLines(lines) : null;
}

export const renderLines = (lines: readonly DiffLine[]) => lines.map((l) => l.sign + l.text).join('\n');

const ASSIGNMENT = /^([A-Za-z_]\w*)(?::[\w[\], .|]+)?=(?!=)(.+)$/;

/** Names train.py uses for configuration: UPPER_SNAKE globals, snake_case fields, lexicon names. */
const isConfigName = (name: string) => /^[A-Z][A-Z0-9_]*$/.test(name) || name.includes('_') || canonicalParam(name) in PARAMS;

/**
 * The parameter changes of a diff (removed and added `NAME = value` paired by name; tuples item
 * by item), and whether that is all it changes (`pure`): only then is it a pure parameter change.
 */
export function diffChanges(lines: readonly DiffLine[]): { changes: ParamChange[]; pure: boolean } {
  const sides = { '-': new Map<string, Value | Value[]>(), '+': new Map<string, Value | Value[]>() };
  let pure = lines.length > 0;
  for (const line of lines) {
    const m = ASSIGNMENT.exec(line.text);
    const value = m && isConfigName(m[1]) ? parsePythonLiteral(m[2]) : null;
    if (value === null) pure = false;
    else sides[line.sign].set(canonicalParam(m![1]), value);
  }
  const changes: ParamChange[] = [];
  for (const [name, to] of sides['+']) {
    const from = sides['-'].get(name) ?? null;
    if (Array.isArray(to) && Array.isArray(from) && to.length === from.length) {
      to.forEach((t, i) => push(changes, TUPLES[name]?.[i] ?? `${name}[${i}]`, from[i], t));
    } else push(changes, name, from, to);
  }
  if ([...sides['-'].keys()].some((name) => !sides['+'].has(name))) pure = false;
  changes.sort((x, y) => (x.name < y.name ? -1 : 1));
  return { changes, pure: pure && changes.length > 0 };
}

function push(changes: ParamChange[], name: string, from: Value | Value[] | null, to: Value | Value[]) {
  const flat = (v: Value | Value[] | null) => (Array.isArray(v) ? `(${v.join(',')})` : v);
  const [f, t] = [flat(from), flat(to)];
  const resolve = RESOLVE_BY_VALUE[name];
  const c = makeChange(resolve ? resolve(typeof t === 'number' ? t : NaN) : name, f, t, null);
  if (c) changes.push(c);
}
