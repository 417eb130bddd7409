// Parameter changes and their canonical key ("MATRIX_LR:0.04>0.06|WEIGHT_DECAY:down>0.1"):
// how a change is written once, and when two keys cannot be the same change.
import { formatValue, type Value } from './values.ts';

export interface ParamChange {
  name: string;
  from: string | null;
  to: string | null;
  direction: 'up' | 'down' | 'set';
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

/**
 * The order-independent key of a set of changes: `NAME:from>to` items sorted and joined by `|`.
 * An unknown `from` is `?`, or the direction when one is known (`TOTAL_BATCH_SIZE:down>32768`);
 * an unknown `to` is `?` (`MATRIX_LR:up>?`). `+NAME` items are techniques switched on alongside.
 */
export function paramKey(changes: readonly ParamChange[], switchedOn: readonly string[] = []): string | null {
  if (changes.length === 0) return null;
  const items = changes.map((c) => `${c.name}:${c.from ?? (c.direction === 'set' ? '?' : c.direction)}>${c.to ?? '?'}`);
  return [...items, ...switchedOn.map((f) => `+${f}`)].sort().join('|');
}

interface KeyItem {
  from: string | null;
  to: string | null;
  direction: 'up' | 'down' | null;
}

function parseKey(key: string): Map<string, KeyItem> {
  const items = new Map<string, KeyItem>();
  for (const item of key.split('|')) {
    const m = /^([^:+][^:]*):(.*)>(.*)$/.exec(item);
    if (!m) {
      items.set(item, { from: null, to: null, direction: null }); // `+FEATURE`: present on both sides or a conflict
      continue;
    }
    const [, name, rawFrom, rawTo] = m;
    const from = rawFrom === '?' || rawFrom === 'up' || rawFrom === 'down' ? null : rawFrom;
    const to = rawTo === '?' ? null : rawTo;
    const numeric = from !== null && to !== null && !Number.isNaN(Number(from)) && !Number.isNaN(Number(to));
    const direction = rawFrom === 'up' || rawFrom === 'down' ? rawFrom : numeric ? (Number(to) > Number(from) ? 'up' : 'down') : null;
    items.set(name, { from, to, direction });
  }
  return items;
}

const agree = <T>(a: T | null, b: T | null) => a === null || b === null || a === b;

/**
 * True when two keys cannot describe the same change: other parameters, or a known value or
 * direction that differs. Unknowns agree with anything (`MATRIX_LR:?>0.06` ~ `MATRIX_LR:0.04>0.06`).
 */
export function paramKeysConflict(a: string, b: string): boolean {
  if (a === b) return false;
  const ka = parseKey(a);
  const kb = parseKey(b);
  if (ka.size !== kb.size) return true;
  for (const [name, x] of ka) {
    const y = kb.get(name);
    if (!y || !agree(x.from, y.from) || !agree(x.to, y.to) || !agree(x.direction, y.direction)) return true;
  }
  return false;
}
