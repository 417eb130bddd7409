// The changes a unified diff of train.py makes, as the catalogue reads them: `NAME = value`
// assignments (diff.ts), then code identifiers of switches and choices on the +/- lines.
import { changedLines, diffChanges } from './diff.ts';
import { CONCEPTS } from './catalogue.ts';
import { fromParamChange, type ChangeSet } from './change-set.ts';
import { recognizeIdentifiers } from './recognize.ts';

/** Offers the diff's changes: assignments first, then switches and choices its code adds or removes. */
export function fromDiff(diff: string, set: ChangeSet) {
  const lines = changedLines(diff);
  for (const pc of diffChanges(lines).changes) set.offer(fromParamChange(pc, false));
  const seen = new Map<
    string,
    { plus: Set<string>; minus: Set<string>; plusCode: boolean; minusCode: boolean; order: string[]; snippets: Record<'+' | '-', string[]> }
  >();
  for (const line of lines) {
    for (const m of recognizeIdentifiers(line.text)) {
      let s = seen.get(m.concept);
      if (!s)
        seen.set(
          m.concept,
          (s = { plus: new Set(), minus: new Set(), plusCode: false, minusCode: false, order: [], snippets: { '+': [], '-': [] } }),
        );
      s.snippets[line.sign].push(snippetAt(line.text, m.start));
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
    // Only tokens that changed make a change: an identifier that reads the same on the removed and
    // the added line (`weight_decay=weight_decay` on a line whose beta2 changed) is context.
    if (sameMultiset(s.snippets['+'], s.snippets['-'])) continue;
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

/** The identifier at `start` with what it is given, up to the next top-level `,` or `)` (`weight_decay=weight_decay`). */
function snippetAt(text: string, start: number): string {
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

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = (x: readonly string[]) => [...x].sort().join('\u0000');
  return sorted(a) === sorted(b);
}
