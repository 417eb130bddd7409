// What a description says was changed: "MATRIX_LR 0.04 -> 0.06", "increase X from A to B",
// "X=0.06", "halve X", "2x LR", "SwiGLU instead of ReLU²", "remove value embeddings".
import { LANGUAGE } from './language.ts';
import { makeChange, type ParamChange } from './param-change.ts';
import { DERIVED, MULTIPLE_VALUED, NOT_PARAMS, RESOLVE_BY_VALUE, TUPLES } from './lexicon.ts';
import { tokenize, type Token, type Verb } from './tokens.ts';
import { formatValue, parsePythonLiteral, type Value } from './values.ts';

export interface Described {
  changes: ParamChange[];
  /** Techniques the change switches on alongside its parameters ("GQA with n_kv_head=2"). */
  switchedOn: string[];
  /** Names of `changes` that a removal verb set to 0 or off ("remove logit softcap", "no warmup"). */
  removed: string[];
}

// Labels agents put before the change: "exp12:", "#3 -", "[radical]", "Hypothesis:".
const LABELS =
  /^\s*(?:(?:exp(?:eriment)?\s*#?\d+|#\d+|run\s*\d+)\s*[:.)\-]\s*)?(?:\[[^\]]*\]\s*)*(?:(?:hypothesis|bottleneck|idea|change)\s*:\s*)?/i;
// Where the change ends and its rationale or outcome begins.
const RATIONALE =
  /\(\s*(?:hypothesis|evidence|because)|\b(?:hypothesis|evidence|result|because|since)\b\s*:?|:\s+(?=[a-z])|;|—|–|\s--?\s|\.\s+(?=[A-Z])/i;

/** A description split into the change it names (`head`) and what follows (`rest`). */
export function splitDescription(description: string): { head: string; rest: string } {
  const text = description.replace(/\s+/g, ' ').replace(LABELS, '').trim();
  const m = RATIONALE.exec(text);
  return m ? { head: text.slice(0, m.index).trim(), rest: text.slice(m.index).trim() } : { head: text, rest: '' };
}

// Word lists from language.json: setting clauses ("at batch 2^13"), filler between a verb, a name
// and its values, and the words that say which of two values of one choice is the new one.
const CONTEXT: ReadonlySet<string> = new Set(LANGUAGE.context);
const FILLER: ReadonlySet<string> = new Set(LANGUAGE.filler);
const NEW_FIRST: ReadonlySet<string> = new Set(LANGUAGE.new_first); // "A instead of B"
const OLD_FIRST: ReadonlySet<string> = new Set(['->', ...LANGUAGE.old_first, ...LANGUAGE.token_old_first]); // "A -> B" (every arrow is a `->` token)

interface Draft {
  name: string;
  from: Value | null;
  to: Value | null;
  verb: Verb | null;
  factor: number | null;
  seg: number;
  adhoc: boolean;
}

/** A word or punctuation token's text. */
const text = (t: Token | undefined) => (t?.kind === 'word' ? t.word : t?.kind === 'punct' ? t.p : undefined);
const isArrowOrTo = (t: Token | undefined) => text(t) === '->' || text(t) === 'to';

function valueOf(t: Token | undefined, allowString: boolean): Value | null {
  if (t?.kind === 'num') return t.value;
  if (allowString && t?.kind === 'word' && /^[A-Z][A-Z0-9]{0,11}$/.test(t.raw)) return t.raw.toLowerCase();
  return null;
}

/** A tuple of `size` numbers at token j, "(0.9, 0.95)" or "0.9,0.95", as diff.ts writes one ("(0.9,0.95)"), with the index after it. */
function tupleAt(ts: Token[], j: number, size: number): { value: string; next: number } | null {
  const open = text(ts[j]) === '(';
  const items: number[] = [];
  let k = open ? j + 1 : j;
  for (;;) {
    const t = ts[k];
    if (t?.kind !== 'num' || t.factor) return null;
    items.push(t.value);
    if (text(ts[k + 1]) !== ',' || ts[k + 2]?.kind !== 'num') break;
    k += 2;
  }
  k++;
  if (items.length !== size || (open && text(ts[k++]) !== ')')) return null;
  return { value: `(${items.map(formatValue).join(',')})`, next: k };
}

/** A tuple-valued name's values: "ADAM_BETAS (0.8, 0.95) -> (0.9, 0.95)", "adam betas 0.9,0.95". */
function readTupleAfter(ts: Token[], j: number, size: number): { from: Value | null; to: Value | null; end: number } | null {
  while (text(ts[j]) === '=' || text(ts[j]) === ':' || FILLER.has(text(ts[j]) ?? '')) j++;
  const first = tupleAt(ts, j, size);
  if (!first) return null;
  const second = isArrowOrTo(ts[first.next]) ? tupleAt(ts, first.next + 1, size) : null;
  return second ? { from: first.value, to: second.value, end: second.next } : { from: null, to: first.value, end: first.next };
}

/** Words that say which way a value goes before "to V" ("up to", "back down to"): read past, never a verb there. */
const PARTICLES: ReadonlySet<string> = new Set(LANGUAGE.particles);
const isParticle = (t: Token | undefined) => t !== undefined && (t.kind === 'verb' || t.kind === 'word') && PARTICLES.has(t.word);

/** Values after a name: "= V", "V -> W", "from V to W", "to W (from V)", "W instead of V", "(V -> W)". */
function readAfter(ts: Token[], j: number): { from: Value | null; to: Value | null; end: number } {
  const start = j;
  let assigned = false;
  let sawFrom = false;
  for (; j < ts.length; j++) {
    const w = text(ts[j]);
    if (w === '=' || w === ':') assigned = true;
    else if (w === ',')
      continue; // "higher Muon LR, 0.04 -> 0.06"
    else if (w === 'from') sawFrom = true;
    else if (isParticle(ts[j]) && (text(ts[j + 1]) === 'to' || isParticle(ts[j + 1])))
      continue; // "bump matrix lr (back) up to 0.04", "weight decay down to 0.1"
    else if (!(w === 'of' || w === 'at' || w === 'is' || (w && FILLER.has(w)))) break;
  }
  if (text(ts[j]) === '(' && !assigned) {
    // "smaller batch (2^18→2^16)": a parenthesis that holds only the name's values.
    const inside = readAfter(ts, j + 1);
    if ((inside.from !== null || inside.to !== null) && text(ts[inside.end]) === ')') return { ...inside, end: inside.end + 1 };
  }
  const first = valueOf(ts[j], assigned || isArrowOrTo(ts[j + 1]));
  if (first !== null) {
    if (isArrowOrTo(ts[j + 1])) {
      const second = valueOf(ts[j + 2], true);
      if (second !== null) return { from: first, to: second, end: j + 3 };
    }
    if (text(ts[j + 1]) === 'instead' && text(ts[j + 2]) === 'of') {
      const prior = valueOf(ts[j + 3], true);
      if (prior !== null) return { from: prior, to: first, end: j + 4 };
    }
    // A range or a list ("layers 0-5", "odd layers 1,3,5") says which, not how many.
    if (ts[j + 1]?.kind === 'num' || (text(ts[j + 1]) === ',' && ts[j + 2]?.kind === 'num')) return { from: null, to: null, end: start };
    return sawFrom ? { from: first, to: null, end: j + 1 } : { from: null, to: first, end: j + 1 };
  }
  if (isArrowOrTo(ts[j])) {
    do j++;
    while (FILLER.has(text(ts[j]) ?? '')); // "to final 10%"
    const to = valueOf(ts[j], true);
    if (to !== null) {
      const from = text(ts[j + 1]) === 'from' ? valueOf(ts[j + 2], true) : null;
      return { from, to, end: from === null ? j + 1 : j + 3 };
    }
  }
  return { from: null, to: null, end: start };
}

/** The verb before a name, over up to three plain words ("halve the total batch", "remove dead VE"). */
function verbBefore(ts: Token[], k: number): Verb | null {
  for (let n = 0; k >= 0 && n < 4; k--, n++) {
    const t = ts[k];
    if (t.kind === 'verb') return t.verb;
    if (t.kind !== 'word' || CONTEXT.has(t.word) || t.word === 'to' || t.word === 'from') return null;
  }
  return null;
}

/** The parameter a token names: a lexicon name or identifier, or a plain word used as one (`decay=0.995`, `kernel 15->31`). */
function nameAt(ts: Token[], i: number): { name: string; adhoc: boolean } | null {
  const t = ts[i];
  if (t.kind === 'param') return { name: t.name, adhoc: false };
  if (t.kind !== 'word' || !/^[a-z]{2,}$/.test(t.word) || FILLER.has(t.word) || CONTEXT.has(t.word) || NOT_PARAMS.has(t.word)) return null;
  const next = ts[i + 1];
  const used =
    text(next) === '=' ? valueOf(ts[i + 2], true) !== null : next?.kind === 'num' && text(ts[i + 2]) === '->' && ts[i + 3]?.kind === 'num';
  return used ? { name: t.word.toUpperCase(), adhoc: true } : null;
}

/** The parameter changes a description names, or none when it names no parameter values. */
export function describeChanges(description: string): Described {
  const { head, rest } = splitDescription(description);
  const described = describeClause(head);
  // "shallower model: depth 8 → 4": a label before the colon, the change after it.
  return described.changes.length === 0 && rest.startsWith(':') ? describeClause(splitDescription(rest.slice(1)).head) : described;
}

function describeClause(head: string): Described {
  const ts = tokenize(head);
  const drafts: Draft[] = [];
  const switchedOn: { id: string; seg: number }[] = [];
  const choices: { slot: string; value: string; i: number; seg: number }[] = [];
  const consumed = new Set<number>();
  const named = new Set<number>(); // clauses that name a parameter, choice or technique
  let seg = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (consumed.has(i)) continue;
    if (t.kind === 'param' || t.kind === 'choice' || t.kind === 'feature') named.add(seg);
    if ((t.kind === 'punct' && (t.p === '(' || t.p === '|')) || (t.kind === 'word' && CONTEXT.has(t.word))) seg++;
    else if (t.kind === 'choice') choices.push({ slot: t.slot, value: t.value, i, seg });
    else if (t.kind === 'feature') {
      if (verbBefore(ts, i - 1) === 'off') drafts.push({ name: t.id, from: null, to: 'off', verb: null, factor: null, seg, adhoc: false });
      else switchedOn.push({ id: t.id, seg });
    } else if (nameAt(ts, i)) {
      const { name, adhoc } = nameAt(ts, i)!;
      const draft: Draft = { name, from: null, to: null, verb: verbBefore(ts, i - 1), factor: null, seg, adhoc };
      // Before the name: "0.5->0.3 warmdown", "5% warmup", "3x MLP" (a value), "2x LR" (a factor).
      const prev = ts[i - 1];
      if (prev?.kind === 'num' && !consumed.has(i - 1)) {
        const older = ts[i - 3];
        if (text(ts[i - 2]) === '->' && older?.kind === 'num' && !consumed.has(i - 3))
          Object.assign(draft, { from: older.value, to: prev.value });
        else if (prev.factor && !MULTIPLE_VALUED.has(name)) draft.factor = prev.value;
        else draft.to = prev.value;
        draft.verb = verbBefore(ts, i - (draft.from === null ? 2 : 4));
      } else if (prev?.kind === 'word' && valueOf(prev, true) !== null) draft.to = valueOf(prev, true); // "SSLL window pattern"
      let j = i + 1;
      if (draft.verb === null && ts[j]?.kind === 'verb') draft.verb = (ts[j++] as { verb: Verb }).verb; // "LR increase"
      const after = (TUPLES[name] && readTupleAfter(ts, j, TUPLES[name].length)) || readAfter(ts, j);
      if (after.to !== null || after.from !== null) {
        Object.assign(draft, { from: after.from ?? draft.from, to: after.to ?? draft.to });
        for (let k = i + 1; k < after.end; k++) consumed.add(k);
        if (text(ts[after.end - 1]) === ')') seg++; // what follows "batch (2^18→2^16)" is a clause of its own
        i = after.end - 1;
      }
      drafts.push(draft);
    }
  }
  drafts.push(...choiceDrafts(ts, choices));
  return finish(drafts, switchedOn, named);
}

/** One change per choice slot: its first value mentioned, and the value it replaces if named. */
function choiceDrafts(ts: Token[], choices: { slot: string; value: string; i: number; seg: number }[]): Draft[] {
  const drafts: Draft[] = [];
  for (const slot of new Set(choices.map((c) => c.slot))) {
    const [a, ...others] = choices.filter((c) => c.slot === slot);
    const b = others.find((c) => c.value !== a.value);
    let from: string | null = null;
    let to = a.value;
    if (b) {
      const between = ts.slice(a.i + 1, b.i).map(text);
      const replaceFirst = text(ts[a.i - 1]) === 'replace';
      if (between.some((w) => w && NEW_FIRST.has(w)) && !replaceFirst) from = b.value;
      else if (between.some((w) => w && OLD_FIRST.has(w)) || replaceFirst) [from, to] = [a.value, b.value];
    }
    // Not when switched off, nor when counted ("two full attention layers" is not all of them).
    if (verbBefore(ts, a.i - 1) !== 'off' && ts[a.i - 1]?.kind !== 'num')
      drafts.push({ name: slot, from, to, verb: null, factor: null, seg: a.seg, adhoc: false });
  }
  return drafts;
}

const HINTS: Record<Verb, 'up' | 'down' | null> = { up: 'up', double: 'up', down: 'down', halve: 'down', off: 'down', on: null };

/**
 * The changes of the first clause that has any, refined by later clauses that name the same
 * parameters, plus later explicit "A → B" changes of known parameters.
 */
function finish(drafts: Draft[], switchedOn: { id: string; seg: number }[], named: Set<number>): Described {
  const useful = drafts
    .filter((d) => d.to !== null || d.from !== null || d.factor !== null || (d.verb !== null && d.verb !== 'on'))
    .map((d) => {
      const resolve = RESOLVE_BY_VALUE[d.name];
      const v = typeof d.to === 'number' ? d.to : typeof d.from === 'number' ? d.from : NaN;
      return resolve ? { ...d, name: resolve(v) } : d;
    });
  if (useful.length === 0) return { changes: [], switchedOn: [], removed: [] };
  // The first clause, or the one right after it when the first only names what it qualifies
  // ("add gradient clipping (max norm 1.0)", "GQA with n_kv_head=2").
  const primary = useful.some((d) => d.seg === 0) ? 0 : named.has(0) ? 1 : -1;
  const merged = new Map<string, Draft>();
  for (const d of [...useful].sort((x, y) => x.seg - y.seg)) {
    const prior = merged.get(d.name);
    if (prior)
      Object.assign(prior, {
        from: prior.from ?? d.from,
        to: prior.to ?? d.to,
        verb: prior.verb ?? d.verb,
        factor: prior.factor ?? d.factor,
      });
    else if (d.seg === primary || (d.from !== null && d.to !== null && !d.adhoc)) merged.set(d.name, { ...d }); // "DEPTH 12→14 (AR 64→54)"
  }
  const changes: ParamChange[] = [];
  const removed: string[] = [];
  for (const d of merged.values()) {
    if ((DERIVED[d.name] ?? []).some((source) => merged.has(source))) continue;
    const hint = d.factor !== null ? (d.factor > 1 ? 'up' : 'down') : d.verb ? HINTS[d.verb] : null;
    const to = d.to ?? (d.verb === 'off' ? 0 : null); // "remove warmup": WARMUP_RATIO → 0
    const items = tupleItems(d.name, d.from, to);
    if (items) {
      changes.push(...items); // "ADAM_BETAS (0.8, 0.95) -> (0.9, 0.95)" is β1 0.8 → 0.9, as in a diff
      continue;
    }
    const c = makeChange(d.name, d.from, to, hint);
    if (c) changes.push(c);
    if (c && (d.to === 'off' || (d.verb === 'off' && (d.to === null || d.to === 0)))) removed.push(c.name);
  }
  changes.sort((x, y) => (x.name < y.name ? -1 : 1));
  const on = changes.length ? [...new Set(switchedOn.filter((f) => f.seg <= primary).map((f) => f.id))].sort() : [];
  return { changes, switchedOn: on, removed };
}

/** A tuple's change item by item (its items are parameters of their own), when both ends are tuples of its size. */
function tupleItems(name: string, from: Value | null, to: Value | null): ParamChange[] | null {
  const names = TUPLES[name];
  const [f, t] = [from, to].map((v) => (typeof v === 'string' ? parsePythonLiteral(v) : null));
  if (!names || !Array.isArray(f) || !Array.isArray(t) || f.length !== names.length || t.length !== names.length) return null;
  return names.flatMap((item, k) => makeChange(item, f[k], t[k], null) ?? []);
}
