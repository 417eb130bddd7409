// The changes a unified diff of train.py makes, as the catalogue reads them: `NAME = value`
// assignments (diff.ts), then code identifiers of switches and choices on the +/- lines.
import { argumentAt, changedLines, diffChanges, inStringAt } from './diff.ts';
import { CONCEPTS, type Concept } from './catalogue.ts';
import { fromParamChange, standsFor, type ChangeSet } from './change-set.ts';
import { recognizeIdentifiers } from './recognize.ts';

/** Offers the diff's changes: assignments first, then switches and choices its code adds or removes. */
export function fromDiff(diff: string, set: ChangeSet) {
  const lines = changedLines(diff);
  const { changes, consumed } = diffChanges(lines);
  for (const pc of changes) set.offer(fromParamChange(pc, false), standsFor(pc));
  const seen = new Map<
    string,
    { plus: Set<string>; minus: Set<string>; plusCode: boolean; minusCode: boolean; order: string[]; snippets: Record<'+' | '-', string[]> }
  >();
  for (const line of lines) {
    for (const m of recognizeIdentifiers(line.text)) {
      if (consumed.get(line)?.includes(m.start)) continue; // a keyword whose value changed: read above
      let s = seen.get(m.concept);
      if (!s)
        seen.set(
          m.concept,
          (s = { plus: new Set(), minus: new Set(), plusCode: false, minusCode: false, order: [], snippets: { '+': [], '-': [] } }),
        );
      s.snippets[line.sign].push(argumentAt(line.text, m.start));
      if (m.choice) {
        (line.sign === '+' ? s.plus : s.minus).add(m.choice);
        if (!s.order.includes(m.choice)) s.order.push(m.choice);
      } else if (!acts(line.text, m.start, m.end, CONCEPTS.get(m.concept)))
        continue; // read, not changed: context
      else if (line.sign === '+') s.plusCode = true;
      else s.minusCode = true;
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
    // On before and after, edited: the words may not say it was switched on ("FP8 tensorwise recipe").
    else if (s.plusCode && s.minusCode && CONCEPTS.get(concept)?.kind === 'switch') set.hold(concept);
    else set.offer({ concept, action: 'mention', from: null, to: null });
  }
}

/**
 * Whether code does something with a concept at this occurrence, rather than read a value of it. A
 * knob (`param`) is changed by its assignments, which diff.ts reads; in code it acts only when
 * called or spelled out as a construct (`clip_grad_norm_(`, `logits.float()`): `lr=matrix_lr`, `weight_decay=0.0`
 * in a new module's parameter group or `n_layers=config.n_layer` only use it. A switch also acts
 * when it is assigned, given as a keyword, reached into (`Float8LinearConfig.from_recipe_name`) or
 * applied as a decorator; passed along as a value (`tokenizer,`, `*dmodel_lr_scale`) it is context.
 * A concept whose code every model calls (`called_everywhere`: `nn.init.normal_`, `nn.init.zeros_`) never acts in code.
 */
function acts(text: string, start: number, end: number, concept: Concept | undefined): boolean {
  const kind = concept?.kind;
  const matched = text.slice(start, end);
  // Words in a string (a docstring, `mode="reduce-overhead"`) name what the code does; diff.ts has dropped comments.
  // A knob's code name quoted there (`print(f"block_size={block_size}")`, `"MATRIX_LR"`) only reports it.
  if (inStringAt(text, start)) return kind === 'switch' || !/^[A-Z][A-Z0-9_]*$|_/.test(matched);
  if (concept?.called_everywhere) return false; // `nn.init.normal_(self.value_emb.weight)` sets up a new module
  if (!/^[\w.]+$/.test(matched)) return true; // a construct spelled out: `logits.float()`, `lm_head.weight = wte.weight`
  // Lines come normalised (diff.ts): no space around punctuation, so the next character tells.
  const next = text[end];
  if (next === '(') return true;
  if (kind !== 'switch') return false;
  return next === '.' || (next === '=' && text[end + 1] !== '=') || text[start - 1] === '@';
}

/** Choices without those another one of them subsumes (SwiGLU's code calls SiLU). */
function subsume(concept: string, keys: string[]): string[] {
  const choices = CONCEPTS.get(concept)?.choices ?? {};
  return keys.filter((k) => !keys.some((other) => other !== k && choices[other]?.subsumes.includes(k)));
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = (x: readonly string[]) => [...x].sort().join('\u0000');
  return sorted(a) === sorted(b);
}
