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

/** The argument that starts at `start` of a normalised line, up to the next `,` or `)` at its depth (`weight_decay=weight_decay`). */
export function argumentAt(text: string, start: number): string {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return text.slice(start, i);
      depth--;
    } else if (c === ',' && depth === 0) return text.slice(start, i);
  }
  return text.slice(start);
}

/** A keyword argument given a literal on a line (`beta2=0.95` in `dict(kind='muon',…)`): its parameter, where its name starts, its value. */
interface LiteralKwarg {
  param: string;
  /** The bare keyword, when nothing on its line qualified it (see ParamChange.keyword). */
  keyword?: string;
  start: number;
  raw: string;
  value: Value | Value[];
}

const KWARG = /(?<=[(,])([A-Za-z_]\w*)=(?!=)/g;
/** What a line names that can qualify a keyword: its one-word string literals (`kind='muon'`) and the names it calls (`Muon(`). */
const QUALIFIER = /(['"])([A-Za-z]\w*)\1|\b([A-Za-z_]\w*)\(/g;

/**
 * The keyword arguments with literal values on a line, each read as the catalogue's parameter: the
 * keyword qualified by what the line names when the catalogue knows that name (`beta2` in a group
 * of `kind='muon'` is `muon_beta2`, MUON_BETA2), else the keyword alone (`ns_steps`, NS_STEPS).
 */
function literalKwargs(text: string): LiteralKwarg[] {
  const qualifiers = [...text.matchAll(QUALIFIER)].filter((q) => !inStringAt(text, q.index)).map((q) => q[2] ?? q[3]);
  const out: LiteralKwarg[] = [];
  for (const m of text.matchAll(KWARG)) {
    if (inStringAt(text, m.index)) continue;
    const raw = argumentAt(text, m.index + m[0].length);
    const value = parsePythonLiteral(raw);
    if (value === null) continue;
    const qualified = qualifiers.map((q) => canonicalParam(`${q}_${m[1]}`)).find((p) => p in PARAMS);
    const param = qualified ?? canonicalParam(m[1]);
    if (param in PARAMS) out.push({ param, ...(qualified ? {} : { keyword: m[1] }), start: m.index, raw, value });
  }
  return out;
}

/** A line with its literal keyword values blanked: two lines of one shape differ only in those values. */
function shapeOf(text: string, kwargs: readonly LiteralKwarg[]): string {
  let shape = '';
  let at = 0;
  for (const k of kwargs) {
    const valueStart = text.indexOf('=', k.start) + 1;
    shape += `${text.slice(at, valueStart)}\u0000`;
    at = valueStart + k.raw.length;
  }
  return shape + text.slice(at);
}

/**
 * The parameter changes of a diff, and whether that is all it changes (`pure`): only then is it a
 * pure parameter change. Read from removed and added `NAME = value` assignments paired by name
 * (tuples item by item), and from a removed and an added line that differ only in literal keyword
 * values (`beta2=0.95` → `beta2=0.9` inside a parameter group). `consumed` holds, per such line,
 * where each keyword that made a change starts: that occurrence is the change, not a mention.
 */
export function diffChanges(lines: readonly DiffLine[]): { changes: ParamChange[]; pure: boolean; consumed: Map<DiffLine, number[]> } {
  const sides = { '-': new Map<string, Value | Value[]>(), '+': new Map<string, Value | Value[]>() };
  // A lowercase name (`beta2=0.9,`: a keyword of a call spread over lines, or a field) is bare code.
  const keywords = new Map<string, string>();
  const consumed = new Map<DiffLine, number[]>();
  let pure = lines.length > 0;
  type Call = { line: DiffLine; kwargs: LiteralKwarg[]; shape: string };
  const calls: Record<'-' | '+', Call[]> = { '-': [], '+': [] };
  for (const line of lines) {
    const m = ASSIGNMENT.exec(line.text);
    const value = m && isConfigName(m[1]) ? parsePythonLiteral(m[2]) : null;
    if (value !== null) {
      sides[line.sign].set(canonicalParam(m![1]), value);
      if (/^[a-z]/.test(m![1])) keywords.set(canonicalParam(m![1]), m![1]);
    } else {
      const kwargs = literalKwargs(line.text);
      calls[line.sign].push({ line, kwargs, shape: shapeOf(line.text, kwargs) });
    }
  }
  const changes: ParamChange[] = [];
  for (const [name, to] of sides['+']) pair(changes, name, sides['-'].get(name) ?? null, to, keywords.get(name));
  if ([...sides['-'].keys()].some((name) => !sides['+'].has(name))) pure = false;
  // A removed and an added line of one shape: each keyword whose value moved is a change.
  const removed = [...calls['-']];
  for (const added of calls['+']) {
    const at = added.kwargs.length ? removed.findIndex((r) => r.shape === added.shape) : -1;
    if (at < 0) continue;
    const [before] = removed.splice(at, 1);
    added.kwargs.forEach((k, i) => {
      const from = before.kwargs[i];
      if (sides['+'].has(k.param) || from.raw === k.raw) return;
      const n = changes.length;
      pair(changes, k.param, from.value, k.value, k.keyword);
      if (changes.length === n) return;
      consumed.set(added.line, [...(consumed.get(added.line) ?? []), k.start]);
      consumed.set(before.line, [...(consumed.get(before.line) ?? []), from.start]);
    });
  }
  // Pure: every other line was one of such a pair, and made a change.
  if ([...calls['-'], ...calls['+']].some((c) => !consumed.has(c.line))) pure = false;
  changes.sort((x, y) => (x.name < y.name ? -1 : 1));
  return { changes, pure: pure && changes.length > 0, consumed };
}

/** A change of parameter `name` from one value to another; a tuple item by item (`ADAM_BETAS`). */
function pair(changes: ParamChange[], name: string, from: Value | Value[] | null, to: Value | Value[], keyword?: string) {
  if (Array.isArray(to) && Array.isArray(from) && to.length === from.length) {
    to.forEach((t, i) => push(changes, TUPLES[name]?.[i] ?? `${name}[${i}]`, from[i], t));
  } else push(changes, name, from, to, keyword);
}

function push(changes: ParamChange[], name: string, from: Value | Value[] | null, to: Value | Value[], keyword?: string) {
  const flat = (v: Value | Value[] | null) => (Array.isArray(v) ? `(${v.join(',')})` : v);
  const [f, t] = [flat(from), flat(to)];
  const resolve = RESOLVE_BY_VALUE[name];
  const c = makeChange(resolve ? resolve(typeof t === 'number' ? t : NaN) : name, f, t, null);
  if (c) changes.push(keyword ? { ...c, keyword } : c);
}
