// A parameter change as the description and diff readers (describe.ts, diff.ts) write it:
// name, canonical from / to values and direction. change-set.ts turns it into a catalogue Change.
import { formatValue, type Value } from './values.ts';

export interface ParamChange {
  name: string;
  from: string | null;
  to: string | null;
  direction: 'up' | 'down' | 'set';
  /**
   * The bare code keyword a diff wrote it with (`beta2=0.9,`, a keyword of a call spread over
   * lines), when nothing on its line said whose it is: the words may name a more specific concept
   * of that keyword (MUON_BETA2 for `beta2`), which then stands for it (ChangeSet).
   */
  keyword?: string;
}

/**
 * A change from `from` to `to` (canonical values), its direction from the numbers or else from
 * `hint` (a verb: "increase", "halve"). Null when nothing changes or nothing is known.
 */
export function makeChange(name: string, from: Value | null, to: Value | null, hint: 'up' | 'down' | null): ParamChange | null {
  const f = from === null ? null : formatValue(from);
  const t = to === null ? null : formatValue(to);
  if (f !== null && f === t) return null;
  if (t === null && hint === null) return null;
  const direction = typeof from === 'number' && typeof to === 'number' ? (to > from ? 'up' : 'down') : (hint ?? 'set');
  return { name, from: f, to: t, direction };
}
