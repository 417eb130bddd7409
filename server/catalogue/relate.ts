// How two changes (concept, action, from, to) stand to each other, owned by the catalogue: the
// same change, the same direction from another state or to another value, the opposite, another
// value. Idea identity (the change key, conflicts) and retrieval both decide from here.
import type { Action } from './change-set.ts';
import { CATALOGUE } from './catalogue.ts';

/** A change as stored or sent: an action the catalogue names (stored rows carry it as a string). */
export interface Change {
  concept: string;
  action: Action | string;
  from: string | null;
  to: string | null;
}

/**
 * same: the same change (same target value or switch); compatible: the same concept moved the same
 * way; unknown_direction: the same concept set to a value whose direction cannot be told (no
 * starting value on either side); broader: a broader or narrower concept moved compatibly;
 * other_value / opposite: the same concept set elsewhere or moved the other way (related ideas).
 */
export type Relation = 'same' | 'compatible' | 'unknown_direction' | 'broader' | 'other_value' | 'opposite' | 'none';

/** Two numbers within this relative distance are one value (0.06 and 0.0600001; 2**14 and 16384). */
export const VALUE_TOLERANCE = 0.01;

const OFF = new Set(['0', 'off', 'false', 'none']);

export const isNumber = (v: string | null): v is string => v !== null && v.trim() !== '' && Number.isFinite(Number(v));

/** Whether two written values are one value: numbers within VALUE_TOLERANCE, words alike. */
export function sameValue(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  if (a === b) return true;
  if (isNumber(a) && isNumber(b)) {
    const x = Number(a);
    const y = Number(b);
    return x === y || Math.abs(x - y) <= VALUE_TOLERANCE * Math.max(Math.abs(x), Math.abs(y));
  }
  return a.toLowerCase() === b.toLowerCase();
}

/** How a change an idea makes stands to the change a query asks about. */
export function relate(q: Change, r: Change, broader: (concept: string) => string | null): Relation {
  if (q.concept !== r.concept) {
    const linked = broader(r.concept) === q.concept || broader(q.concept) === r.concept;
    if (!linked) return 'none';
    const rel = relateActions(q, r);
    // A broader or narrower concept only relates when it moved compatibly: not the other way, nor merely named.
    return rel === 'opposite' || rel === 'none' ? 'none' : 'broader';
  }
  return relateActions(q, r);
}

function direction(c: Change, reference: string | null): 'up' | 'down' | null {
  if (c.action === 'raise') return 'up';
  if (c.action === 'lower') return 'down';
  if (c.action === 'set' && isNumber(c.to) && isNumber(reference) && !sameValue(c.to, reference))
    return Number(c.to) > Number(reference) ? 'up' : 'down';
  return null;
}

/** A parameter switched off is a parameter set to 0 ("remove warmup": WARMUP_RATIO → 0). */
function normalise(c: Change): Change {
  return c.action === 'disable' && c.to === null ? { ...c, to: '0' } : c;
}

/** Bounds that, switched off, go to infinity (catalogue `off_is_unbounded`: the logit softcap, gradient clipping, the sliding window). */
const UNBOUNDED_OFF = new Set(CATALOGUE.concepts.filter((c) => c.off_is_unbounded).map((c) => c.id));

/** A bound switched off, as the move it is: raised without limit ("remove the logit softcap" loosens it). */
const lifted = (c: Change): Change => (UNBOUNDED_OFF.has(c.concept) && isOff(c) ? { ...c, action: 'raise', to: null } : c);

const isOff = (c: Change) =>
  c.action === 'disable' ||
  (c.action === 'set' && c.to !== null && OFF.has(c.to)) ||
  (c.action === 'lower' && c.to !== null && OFF.has(c.to));

function relateActions(query: Change, record: Change): Relation {
  const q = normalise(query);
  const r = normalise(record);
  // A record that only names the concept (context, not its change) is no evidence for a
  // definite change; a vague query ("does X matter?") is compatible with any definite one.
  if (r.action === 'mention') return q.action === 'mention' ? 'compatible' : 'none';
  if (q.action === 'mention') return 'compatible';
  const sameTo = sameValue(q.to, r.to);
  const on = (c: Change) => c.action === 'enable';
  if ((on(q) && isOff(r)) || (isOff(q) && on(r))) return 'opposite';
  if (isOff(q) && isOff(r)) return 'same';
  if (on(q) && on(r)) return sameTo || q.to === null || r.to === null ? 'same' : 'compatible';
  if (UNBOUNDED_OFF.has(q.concept) && (isOff(q) || isOff(r))) return relateMoves(lifted(q), lifted(r), false);
  return relateMoves(q, r, sameTo);
}

/** How two moves of a knob stand, neither switched on nor both off. */
function relateMoves(q: Change, r: Change, sameTo: boolean): Relation {
  // Raising a knob against switching it off ("warm momentum up more slowly" against "constant momentum").
  if ((isOff(r) && q.action === 'raise') || (isOff(q) && r.action === 'raise')) return 'opposite';
  const dq = direction(q, r.from ?? q.from);
  const dr = direction(r, q.from ?? r.from);
  if (dq && dr) {
    if (dq !== dr) return 'opposite';
    return sameTo ? 'same' : 'compatible';
  }
  if (sameTo) {
    // The same target reached from the other side ("A → B" against "B → A") is the opposite change.
    return q.from !== null && r.from !== null && !sameValue(q.from, r.from) && sameValue(q.from, r.to) ? 'opposite' : 'same';
  }
  // Unless both directions are known, leaving the value the other reaches, or reaching the value it
  // leaves, is the other way ("switch to SwiGLU" against "Hourglass FFN replacing SwiGLU"; "a 5 %
  // warm-up" against "WARMUP_RATIO 0.05→0.02").
  if (!(dq && dr) && ((r.from !== null && sameValue(r.from, q.to)) || (q.from !== null && sameValue(q.from, r.to)))) return 'opposite';
  if (q.to !== null && r.to !== null && (q.action === 'set' || q.action === 'replace' || r.action === 'set' || r.action === 'replace')) {
    // "replace A with B" against "replace B with A".
    if (q.from !== null && r.from !== null && sameValue(q.from, r.to) && sameValue(r.from, q.to)) return 'opposite';
    if (!isNumber(q.to) || !isNumber(r.to) || (!dq && !dr)) return 'other_value';
  }
  // One side moves the knob a known way, the other only sets a value from an unknown start.
  if ((dq && !dr && r.action === 'set') || (dr && !dq && q.action === 'set')) return 'unknown_direction';
  return 'compatible';
}

/** A change that says what happened: not a bare mention of the concept, nor a value "changed" to itself. */
export const definite = <C extends Change>(changes: readonly C[]) =>
  changes.filter((c) => c.action !== 'mention' && !(c.from !== null && sameValue(c.from, c.to)));

/**
 * The identity key of what a record changes: its definite changes, sorted, as
 * `CONCEPT:action:from>to` joined by `|` (unknown values `?`); null when it changes nothing the
 * catalogue understood. Numbers are written canonically, so 2**14 and 16384 give one key.
 */
export function changeKey(changes: readonly Change[]): string | null {
  const items = definite(changes).map((c) => `${c.concept}:${c.action}:${canonical(c.from)}>${canonical(c.to)}`);
  return items.length ? [...new Set(items)].sort().join('|') : null;
}

const canonical = (v: string | null): string => (v === null ? '?' : isNumber(v) ? String(Number(v)) : String(v).toLowerCase());

/**
 * Whether one idea may hold both changes: the same concept moved the same way, the target value
 * and the starting state equal where both are known (an unknown agrees with anything). Opposite
 * directions, other target values, a removal against an addition never may.
 */
export function oneChange(a: Change, b: Change): boolean {
  if (a.concept !== b.concept) return false;
  const rel = relateActions(a, b);
  if (rel !== 'same' && rel !== 'compatible') return false;
  if (a.to !== null && b.to !== null && !sameValue(a.to, b.to)) return false;
  if (a.from !== null && b.from !== null && !sameValue(a.from, b.from)) return false;
  return true;
}

/**
 * True when a record's changes cannot join an idea holding `idea` (its records' distinct changes):
 * other concepts changed, or any change of a concept that is not one change with the idea's. A
 * record the catalogue understood never joins an idea it did not understand, and the reverse.
 */
export function changesConflict(record: readonly Change[], idea: readonly Change[]): boolean {
  const r = definite(record);
  const i = definite(idea);
  if (r.length === 0 || i.length === 0) return r.length !== i.length;
  const concepts = (xs: readonly Change[]) => [...new Set(xs.map((x) => x.concept))].sort().join('|');
  if (concepts(r) !== concepts(i)) return true;
  return r.some((x) => i.some((y) => y.concept === x.concept && !oneChange(x, y)));
}

/**
 * How strongly a record's change speaks for the change a query asks about, in [0, 1]: 1 for the
 * same change from the same state; less for the same change whose starting state is unknown on
 * one side; for the same direction from another state or to another value, a weight that falls
 * with how far the values are (log scale); 0 for anything else. `exact` says which.
 */
export function evidenceWeight(q: Change, r: Change): { exact: boolean; weight: number } {
  if (q.concept !== r.concept || q.action === 'mention' || r.action === 'mention') return { exact: false, weight: 0 };
  const rel = relateActions(q, r);
  if (rel !== 'same' && rel !== 'compatible') return { exact: false, weight: 0 };
  const toKnown = q.to !== null && r.to !== null;
  const fromKnown = q.from !== null && r.from !== null;
  const toSame = !toKnown || sameValue(q.to, r.to);
  const fromSame = !fromKnown || sameValue(q.from, r.from);
  // A query that names no values ("halve the batch size") asks about every change of that kind.
  if (toSame && fromSame && (rel === 'same' || q.to === null)) {
    const stateUnknown = q.from !== null && r.from === null;
    return { exact: true, weight: stateUnknown ? 0.9 : 1 };
  }
  const distance = logDistance(q.to, r.to) + logDistance(q.from, r.from);
  return { exact: false, weight: Math.max(0.1, 0.6 * Math.exp(-distance)) };
}

/** |ln(a/b)| for two positive numbers; 0 when either is unknown; 1 for words or signs that differ. */
function logDistance(a: string | null, b: string | null): number {
  if (a === null || b === null || sameValue(a, b)) return 0;
  if (!isNumber(a) || !isNumber(b)) return 1;
  const x = Number(a);
  const y = Number(b);
  if (x <= 0 || y <= 0) return 1;
  return Math.abs(Math.log(x / y));
}

/**
 * How an idea's changes speak for a query's: exact when the idea makes every change the query
 * names, exactly (and nothing else besides), else the weakest of its per-change weights, halved
 * when the idea also changes other concepts. Weight 0 when the idea moves a knob the query names
 * only another way (another value, the opposite, a direction that cannot be told): compared, and
 * not this change, so never its evidence. Null when the query names no definite change or the
 * idea does not touch one of its knobs (retrieval's looser reading then stands).
 */
export function weighEvidence(query: readonly Change[], idea: readonly Change[]): { exact: boolean; weight: number } | null {
  const q = definite(query);
  const i = definite(idea);
  if (q.length === 0 || i.length === 0) return null;
  let exact = true;
  let weight = 1;
  for (const qc of q) {
    let best = { exact: false, weight: 0 };
    for (const ic of i) {
      const w = evidenceWeight(qc, ic);
      if (w.weight > best.weight || (w.weight === best.weight && w.exact)) best = w;
    }
    if (best.weight === 0) return i.some((ic) => ic.concept === qc.concept) ? { exact: false, weight: 0 } : null;
    exact &&= best.exact;
    weight = Math.min(weight, best.weight);
  }
  const asked = new Set(q.map((c) => c.concept));
  if (i.some((c) => !asked.has(c.concept))) return { exact: false, weight: weight * 0.5 };
  return { exact, weight };
}
