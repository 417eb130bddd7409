// The changes a unified diff of train.py makes, as the catalogue reads them: `NAME = value`
// assignments (diff.ts), then code identifiers of switches and choices on the +/- lines.
import { changedLines, diffChanges } from '../services/ideas/diff.ts';
import { CONCEPTS } from './catalogue.ts';
import { fromParamChange, type ChangeSet } from './change-set.ts';
import { recognizeIdentifiers } from './recognize.ts';

/** Offers the diff's changes: assignments first, then switches and choices its code adds or removes. */
export function fromDiff(diff: string, set: ChangeSet) {
  const lines = changedLines(diff);
  for (const pc of diffChanges(lines).changes) set.offer(fromParamChange(pc, false));
  const seen = new Map<string, { plus: Set<string>; minus: Set<string>; plusCode: boolean; minusCode: boolean; order: string[] }>();
  for (const line of lines) {
    for (const m of recognizeIdentifiers(line.text)) {
      let s = seen.get(m.concept);
      if (!s) seen.set(m.concept, (s = { plus: new Set(), minus: new Set(), plusCode: false, minusCode: false, order: [] }));
      const code = !/^[A-Z][A-Z0-9_]*$/.test(line.text.slice(m.start, m.end)); // a construct, not a config name
      if (m.choice) {
        (line.sign === '+' ? s.plus : s.minus).add(m.choice);
        if (!s.order.includes(m.choice)) s.order.push(m.choice);
      } else if (line.sign === '+') s.plusCode ||= code || CONCEPTS.get(m.concept)?.kind === 'switch';
      else s.minusCode ||= code || CONCEPTS.get(m.concept)?.kind === 'switch';
      if (line.sign === '+') s.plus.add('');
      else s.minus.add('');
    }
  }
  for (const [concept, s] of seen) {
    if (set.has(concept)) continue;
    const choices = (side: Set<string>, other: Set<string>) =>
      subsume(
        concept,
        s.order.filter((k) => side.has(k) && !other.has(k)),
      );
    const added = choices(s.plus, s.minus);
    const dropped = choices(s.minus, s.plus);
    if (added.length) set.offer({ concept, action: dropped.length ? 'replace' : 'set', from: dropped[0] ?? null, to: added[0] });
    else if (dropped.length) set.offer({ concept, action: 'replace', from: dropped[0], to: null });
    else if (s.plusCode && !s.minus.has('')) set.offer({ concept, action: 'enable', from: null, to: null });
    else if (s.minusCode && !s.plus.has('')) set.offer({ concept, action: 'disable', from: null, to: null });
    else set.offer({ concept, action: 'mention', from: null, to: null });
  }
}

/** Choices without those another one of them subsumes (SwiGLU's code calls SiLU). */
function subsume(concept: string, keys: string[]): string[] {
  const choices = CONCEPTS.get(concept)?.choices ?? {};
  return keys.filter((k) => !keys.some((other) => other !== k && choices[other]?.subsumes.includes(k)));
}
