// The caller's fork's own failures against a candidate idea, pure: an idea whose change the fork
// already discarded or crashed on, the same change or the same knob moved the same way to a
// nearby value (NEAR_STEP below), is not suggested to that fork; the failure it repeats says why.
import { relate, type Change } from '../ideas/retrieval.ts';

/**
 * A candidate moving a knob the same way as a failure, from the fork's state `s`, is "nearby" when
 * its target lies at or past the failed target (the failed side), or between `s` and the failed
 * target but at least this share of the failed step away from `s` (on a log scale when all three
 * values are positive, so 0.4→0.3 failed rules out 0.4→0.1 and 0.4→0.34, not 0.4→0.38).
 */
export const NEAR_STEP = 0.5;

export interface ForkFailure {
  status: 'discard' | 'crash';
  description: string;
  changes: Change[];
}

const isNumber = (v: string | null): v is string => v !== null && v.trim() !== '' && Number.isFinite(Number(v));

/** Where a value lies on the axis the knob moves along: log for positive values, linear otherwise. */
function axis(...xs: number[]): (x: number) => number {
  return xs.every((x) => x > 0) ? Math.log : (x) => x;
}

/**
 * Whether applying the candidate's change in the fork's state (the failure's starting value)
 * repeats the failure: the same change, or the same direction to a nearby value. Changes whose
 * direction or values cannot be read compare as the same change only.
 */
export function repeatsFailure(candidate: Change, failed: Change): boolean {
  if (candidate.concept !== failed.concept || candidate.action === 'mention' || failed.action === 'mention') return false;
  // Measured from the fork's state: the candidate as the fork would apply it.
  const asApplied: Change = { ...candidate, from: failed.from ?? candidate.from };
  const relation = relate(asApplied, failed, () => null);
  if (relation === 'same') return true;
  if (relation !== 'compatible') return false;
  const s = failed.from;
  if (!isNumber(s) || !isNumber(failed.to) || !isNumber(candidate.to)) return true; // the same way, values unknown
  const [x0, xf, xc] = [Number(s), Number(failed.to), Number(candidate.to)];
  const f = axis(x0, xf, xc);
  const step = f(xf) - f(x0);
  const mine = f(xc) - f(x0);
  if (step === 0 || Math.sign(step) !== Math.sign(mine)) return false;
  // At or past the failed target (≥ 1), or between at least NEAR_STEP of the way there.
  return mine / step >= NEAR_STEP;
}

/**
 * The fork's failure a candidate repeats, or null: every change of the failure is repeated by one
 * of the candidate's and every change of the candidate repeats one of the failure's (a failure of
 * a combination says nothing of one of its parts alone, nor of a combination it lacks).
 */
export function repeatedFailure(candidate: Change[], failures: readonly ForkFailure[]): ForkFailure | null {
  const definite = (cs: Change[]) => cs.filter((c) => c.action !== 'mention');
  const mine = definite(candidate);
  if (mine.length === 0) return null;
  for (const f of failures) {
    const theirs = definite(f.changes);
    if (theirs.length === 0) continue;
    if (mine.every((c) => theirs.some((x) => repeatsFailure(c, x))) && theirs.every((x) => mine.some((c) => repeatsFailure(c, x))))
      return f;
  }
  return null;
}

/**
 * The change an idea makes, read from its distinct changes with their record counts: per concept,
 * the reading most of its records make, among concepts made by at least half as many records as
 * the most common one (an idea holding stray readings is judged by its main change).
 */
export function mainChanges(changes: readonly (Change & { records: number })[]): Change[] {
  const top = Math.max(0, ...changes.map((c) => c.records));
  const byConcept = new Map<string, Change & { records: number }>();
  for (const c of changes) {
    if (c.records * 2 < top) continue;
    const prior = byConcept.get(c.concept);
    if (!prior || c.records > prior.records) byConcept.set(c.concept, c);
  }
  return [...byConcept.values()].map(({ concept, action, from, to }) => ({ concept, action, from, to }));
}
