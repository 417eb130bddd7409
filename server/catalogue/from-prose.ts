// The changes a description names, as the catalogue reads them: describe.ts's values and verbs,
// checked and completed by the recognised mentions (their verbs, values, choices and asides).
import { describeChanges, splitDescription } from '../services/ideas/describe.ts';
import { formatValue, parseProseNumber } from '../services/ideas/values.ts';
import { broaderChain, CATALOGUE, CONCEPTS, narrowerConcepts, resolveByValue } from './catalogue.ts';
import { conceptOf, fromParamChange, type Action, type Change, type ChangeSet } from './change-set.ts';
import { fromGloss } from './from-gloss.ts';
import { recognize, recognizeWithShadows, type Mention } from './recognize.ts';
import { words, type Word } from './words.ts';

const VERB_OF = new Map<string, keyof typeof CATALOGUE.verbs>();
for (const [kind, list] of Object.entries(CATALOGUE.verbs) as [keyof typeof CATALOGUE.verbs, string[]][])
  for (const w of list) if (!VERB_OF.has(w.toLowerCase())) VERB_OF.set(w.toLowerCase(), kind);

// Words that start a clause about the setting rather than the change ("depth 6 with GQA").
const CONTEXT = new Set(['at', 'after', 'with', 'on', 'for', 'while', 'given', 'keeping', 'keeps', 'using']);
const NUMBER_WORDS = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'eight', 'ten', 'twelve', 'sixteen']);
const isNumberWord = (w: Word | undefined) => w !== undefined && (/^\d/.test(w.text) || NUMBER_WORDS.has(w.text));
const AFTER_OFF = new Set(['removed', 'disabled', 'dropped', 'off', 'deleted']);

/** Offers a description's changes; adds to `mentioned` what it names (its rationale only when nothing else). */
export function fromProse(description: string, set: ChangeSet, mentioned: string[]) {
  const described = describeChanges(description);
  const removed = new Set(described.removed);
  const proseChanges = described.changes.map((pc) => fromParamChange(pc, removed.has(pc.name)));
  for (const id of described.switchedOn) proseChanges.push({ concept: conceptOf(id), action: 'enable', from: null, to: null });

  const { head, rest } = splitDescription(description);
  let clause = head;
  let read = recognizeWithShadows(clause);
  if (read.mentions.length === 0 && rest.startsWith(':')) {
    clause = splitDescription(rest.slice(1)).head; // "shallower model: depth 8 → 4"
    read = recognizeWithShadows(clause);
  }
  const { mentions, shadows } = read;
  mentioned.push(...mentions.map((m) => m.concept));
  if (mentions.length === 0 && proseChanges.length === 0) {
    // No name read in the change, nor in the diff: the glosses may still say what it is about.
    const afterColon = rest.startsWith(':') ? splitDescription(rest.slice(1)).head : '';
    if (set.list().length === 0 && (fromGloss(head, set, mentioned) || (afterColon !== '' && fromGloss(afterColon, set, mentioned)))) return;
    // Nothing in the change itself: what the rest names helps lexical search, but changes nothing.
    mentioned.push(...recognize(description).map((m) => m.concept));
    return;
  }

  const ws = words(clause);
  const contextFrom = contextStart(ws, mentions);
  const mentionsOf = (concept: string) => mentions.filter((m) => m.concept === concept || hubTargets(m.concept).includes(concept));
  const inParens = (concept: string) => {
    const ms = mentionsOf(concept);
    return ms.length > 0 && ms.every((m) => (ws.find((w) => w.start >= m.start)?.depth ?? 0) > 0);
  };
  const outside = proseChanges.some((c) => mentionsOf(c.concept).length > 0 && !inParens(c.concept));

  // An optimizer named as the owner of the next setting ("Adam LR for the embeddings") is no change.
  const descriptor = (m: Mention) =>
    m.choice !== null && CONCEPTS.get(m.concept)?.group === 'optimizer' &&
    mentions.some((x) => x.concept !== m.concept && CONCEPTS.get(x.concept)?.group === 'optimizer' && x.start > m.end && /^[\s'’s]{0,3}$/.test(clause.slice(m.end, x.start)));
  for (const [i, raw] of proseChanges.entries()) {
    const concept = adhocConcept(raw.concept, mentions);
    const change = { ...raw, concept };
    const c = CONCEPTS.get(concept);
    const ms = mentionsOf(concept);
    if (c?.choices && change.to !== null && change.to in c.choices) {
      // A choice only a generic word named ("gated linear units" is no linear schedule), or one the
      // mentions read better ("swish gated unit" is SwiGLU, not SiLU): the mentions decide.
      const chosen = ms.filter((m) => m.choice !== null && !descriptor(m)).map((m) => m.choice);
      if (ms.length === 0 || ms.every(descriptor) || (chosen.length && !chosen.includes(change.to) && !chosen.includes(change.from))) continue;
    }
    if (ms.length === 0 && c) {
      // describe.ts read a concept whose words a stronger reading claimed ("the lr of the 2D hidden
      // matrices", "decay the lr to 10% instead of zero"): the change is the winner's, if it is a value.
      // Only a general concept's words taken by a more specific reading: "lr" inside "the lr of the
      // hidden matrices", not "fewer attention heads" inside "attention heads with bigger dimension".
      const by = shadows.find((s) => s.inside && (s.concept === concept || hubTargets(s.concept).includes(concept)))?.by;
      const winner = by && CONCEPTS.get(by.concept)!;
      if (by && winner && (winner.kind === 'switch' || winner.choices)) continue; // "rotary on half the head dims" is partial RoPE
      if (by && (broaderChain(by.concept).includes(concept) || narrowerConcepts(concept).length > 0)) {
        if (proseChanges.some((x) => x.concept === by.concept)) continue;
        const values = valuesAfter(clause, by.start) ?? { from: null, to: null };
        const [f, t] = [Number(values.from ?? NaN), Number(values.to ?? NaN)];
        const action = !Number.isNaN(f) && !Number.isNaN(t) ? (t > f ? 'raise' : 'lower') : change.action === 'set' && values.to === null ? 'mention' : change.action;
        set.offer({ concept: by.concept, action, ...values });
        continue;
      }
    }
    // A change named only inside an aside "(… 32/64 head dims)", or a switch only in the setting
    // ("depth 6 with GQA"), is context when something else changes; "(AR 64→54)" still counts.
    const asideOnly = (inParens(concept) && outside) || (i >= described.changes.length && ms.length > 0 && ms.every((m) => isAside(ws, m, contextFrom)));
    const explicit = change.from !== null && change.to !== null;
    set.offer(asideOnly && !explicit && change.action !== 'mention' ? { concept, action: 'mention', from: null, to: null } : change);
  }

  const byConcept = new Map<string, Mention[]>();
  for (const m of mentions) byConcept.set(m.concept, [...(byConcept.get(m.concept) ?? []), m]);
  for (const [concept, ms] of byConcept) {
    const c = CONCEPTS.get(concept)!;
    const first = ms[0];
    const aside = isAside(ws, first, contextFrom);
    const choiceMentions = ms.filter((m) => m.choice !== null);
    if (choiceMentions.length) {
      // A choice naming what another concept belongs to ("Adam LR for the embeddings") is no change.
      set.refine(choiceChange(concept, clause, ws, choiceMentions, aside || (choiceMentions.length === 1 && descriptor(first)), contextFrom));
      continue;
    }
    const verb = verbNear(ws, first, c.kind);
    if (c.kind === 'switch') {
      const action: Action = verb === 'disable' ? 'disable' : aside || (verb && verb !== 'enable' && verb !== 'replace') ? 'mention' : 'enable';
      if (action === 'disable' && set.get(concept)?.action === 'enable') set.force({ concept, action, from: null, to: null }); // "untie the embeddings"
      else set.offer({ concept, action, from: null, to: null });
      continue;
    }
    if (set.has(concept)) continue;
    const values = aside ? null : valuesAfter(clause, first.end);
    const target = c.resolve_by_value ? resolveByValue(c, numeric(values?.to ?? values?.from ?? null)) : concept;
    if (values?.to != null && values.from != null) {
      const [f, t] = [Number(values.from), Number(values.to)];
      set.offer({ concept: target, action: Number.isNaN(f) || Number.isNaN(t) ? 'set' : t > f ? 'raise' : 'lower', ...values });
    } else if (values?.to != null) {
      const action: Action = verb === 'raise' || verb === 'double' ? 'raise' : verb === 'lower' || verb === 'halve' ? 'lower' : 'set';
      set.offer({ concept: target, action, from: null, to: values.to });
    } else if (!aside && verb) {
      const action: Action =
        verb === 'raise' || verb === 'double' ? 'raise'
        : verb === 'lower' || verb === 'halve' ? 'lower'
        : verb === 'disable' ? 'disable'
        : c.choices ? (verb === 'replace' ? 'replace' : 'mention')
        : verb === 'enable' ? 'enable'
        : 'mention';
      set.offer({ concept: target, action, from: null, to: null });
    } else set.offer({ concept: target, action: 'mention', from: null, to: null });
  }
}

/** The concepts an alias hub (BATCH, WARMUP, WARMDOWN) resolves to. */
const hubTargets = (id: string) => (CONCEPTS.get(id)?.resolve_by_value ?? []).map((r) => r.id);

/**
 * A name describe.ts made up from a plain word ("decay=0.98", "std=0.001") read as the parameter
 * of a mentioned concept it ends: EMA + DECAY → EMA_DECAY, INIT_SCALE's init_std + STD → INIT_SCALE.
 */
function adhocConcept(name: string, mentions: readonly Mention[]): string {
  if (CONCEPTS.has(name)) return name;
  const ends = new RegExp(`(?:^|_)${name.replace(/[^A-Z0-9_]/gi, '')}$`, 'i');
  const near = [...new Set(mentions.map((m) => m.concept))].flatMap((id) => [id, ...narrowerConcepts(id)]);
  for (const id of near) {
    const c = CONCEPTS.get(id)!;
    if (c.kind === 'param' && (ends.test(c.id) || c.identifiers.some((x) => ends.test(x)))) return c.id;
  }
  return name;
}

const numeric = (v: string | null) => (v === null ? NaN : Number(v));

/** Offset from which mentions describe the setting: the first context word after a mention or value. */
function contextStart(ws: readonly Word[], mentions: readonly Mention[]): number {
  for (let i = 0; i < ws.length; i++) {
    if (!CONTEXT.has(ws[i].text)) continue;
    const before = ws.slice(0, i);
    if (before.some((w) => /^\d/.test(w.text)) || mentions.some((m) => m.end <= ws[i].start)) return ws[i].start;
  }
  return Infinity;
}

function isAside(ws: readonly Word[], m: Mention, contextFrom: number): boolean {
  const w = ws.find((x) => x.start >= m.start);
  return (w !== undefined && w.depth > 0) || m.start >= contextFrom;
}

/**
 * The verb that says what happens to a mention: a direction inside a parameter's own words
 * ("deeper"), up to three words before it, a removal leading a switch's words ("untie the
 * embeddings"), or a word right after it ("VE removed", "MLP narrower").
 */
function verbNear(ws: readonly Word[], m: Mention, kind: 'param' | 'switch'): keyof typeof CATALOGUE.verbs | null {
  const first = ws.findIndex((w) => w.start >= m.start);
  if (first < 0) return null;
  let last = first;
  while (last + 1 < ws.length && ws[last + 1].end <= m.end) last++;
  if (kind === 'switch' && VERB_OF.get(ws[first].text) === 'disable') return 'disable';
  for (let i = first; kind === 'param' && i <= last; i++) {
    const v = VERB_OF.get(ws[i].text); // "deeper", "more layers"; not the "up" of "warm up" nor the "half" of "second half"
    if ((v === 'raise' || v === 'lower') && ws[i].text !== 'up' && ws[i].text !== 'down') return v;
  }
  for (let i = first - 1; i >= 0 && i >= first - 3 && ws[i].clause === ws[first].clause; i--) {
    const v = VERB_OF.get(ws[i].text);
    if (v) return v;
  }
  for (const next of ws.slice(last + 1, last + 3)) {
    if (next.clause !== ws[last].clause) break;
    if (AFTER_OFF.has(next.text)) return 'disable';
    const v = VERB_OF.get(next.text);
    if (kind === 'param' && v && v !== 'enable' && v !== 'disable' && v !== 'replace') return v;
  }
  return null;
}

const NUM = String.raw`(?:\d[\d_]*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?(?:\s*(?:\^|\*\*)\s*\d+)?(?:\/\d+(?:\.\d+)?)?(?:[km](?![a-z]))?(?:x(?![a-z0-9]))?(?:\s*(?:%|percent\b))?`;
const END = String.raw`(?![\w.])`;
const ARROW = String.raw`(?:->|=>|→|⇒|⟶|\bto\b)`;
const FROM_TO = new RegExp(String.raw`(?:^|[\s(=:,])(?:from\s+)?(${NUM})\s*${ARROW}\s*(${NUM})${END}`, 'i');
const FROM_LOOSE = new RegExp(String.raw`\bfrom\s+(${NUM})${END}.{0,30}?\bto\s+(?:[a-z]+\s+){0,2}(${NUM})${END}`, 'i');
const TO_LOOSE = new RegExp(String.raw`^\s*(?:[a-z][\w'-]*\s+){0,4}?to\s+(?:[a-z]+\s+){0,2}(${NUM})${END}`, 'i');
const ASSIGN = new RegExp(String.raw`^\s*(?:(?!(?:from|on|at|with|for|after|while|in|than|help|helps)\b)[a-z][\w'-]*\s+){0,3}?(?:(?:=|:|of|at|for)\s*)?(${NUM})${END}`, 'i');

/** Values written after a mention, in its clause: "from 0.04 to 0.06", "0.04 → 0.06", "to 0.05", "= 3". */
function valuesAfter(text: string, end: number): { from: string | null; to: string | null } | null {
  const tail = text.slice(end).split(/[;()—–]|[,:]\s|\.\s/)[0].slice(0, 80);
  const canonical = (raw: string) => {
    const n = parseProseNumber(raw);
    return n ? formatValue(n.value) : null;
  };
  for (const re of [FROM_TO, FROM_LOOSE]) {
    const m = re.exec(tail);
    const [from, to] = m ? [canonical(m[1]), canonical(m[2])] : [null, null];
    if (from !== null && to !== null && from !== to) return { from, to };
  }
  for (const re of [TO_LOOSE, ASSIGN]) {
    const m = re.exec(tail);
    const to = m ? canonical(m[1]) : null;
    if (to !== null) return { from: null, to };
  }
  return null;
}

const NEW_FIRST = /\b(?:instead|replacing|replaces|over|vs|versus|than|rather)\b/i;
const OLD_FIRST = /->|→|=>|⟶|\b(?:to|with|into)\b/i;

/** The change of a choice slot from its mentions: "B instead of A", "replace A with B", "A → B", "B". */
function choiceChange(concept: string, text: string, ws: readonly Word[], ms: Mention[], aside: boolean, contextFrom: number): Change {
  const distinct = ms.filter((m, i) => ms.findIndex((x) => x.choice === m.choice) === i);
  const [a] = distinct;
  const before = (m: Mention, n: number) => {
    const i = ws.findIndex((w) => w.start >= m.start);
    return ws.slice(Math.max(0, i - n), Math.max(0, i));
  };
  const replaceBefore = (m: Mention) => before(m, 3).some((w) => VERB_OF.get(w.text) === 'replace');
  // Not into the setting ("Muon for matrix params, AdamW kept for embeddings"), unless "swap A for B".
  const b = distinct[1] && (a.start >= contextFrom || distinct[1].start < contextFrom || replaceBefore(a)) ? distinct[1] : undefined;
  const offBefore = (m: Mention) => before(m, 3).some((w) => VERB_OF.get(w.text) === 'disable');
  if (b) {
    const between = text.slice(a.end, b.start);
    if (replaceBefore(a) && !NEW_FIRST.test(between)) return { concept, action: 'replace', from: a.choice, to: b.choice };
    if (NEW_FIRST.test(between) || replaceBefore(b)) return { concept, action: 'replace', from: b.choice, to: a.choice };
    if (OLD_FIRST.test(between)) return { concept, action: 'replace', from: a.choice, to: b.choice };
  }
  if (aside || isNumberWord(before(a, 1)[0])) return { concept, action: 'mention', from: null, to: null };
  const lead = before(a, 1)[0]?.text;
  if (offBefore(a) || lead === 'replacing' || lead === 'instead') return { concept, action: 'replace', from: a.choice, to: null };
  return { concept, action: 'set', from: null, to: a.choice };
}
