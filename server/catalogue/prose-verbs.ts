// The direction prose gives a mention: a catalogue verb before it ("remove value embeddings") or in
// its words ("deeper"), a particle after it ("VE removed", "switch the softcap off", "is turned off"),
// a quantity phrase ("more of the run in the cooldown"), the gloss verbs ("get rid of", "stop using")
// and the concept's own direction words ("drop attention" turns MLP-only layers on, "later" warm-down).
import { CATALOGUE } from './catalogue.ts';
import { directionSpans } from './gloss.ts';
import type { Mention } from './recognize.ts';
import { phraseStems, type Word } from './words.ts';

export type VerbKind = keyof typeof CATALOGUE.verbs;

export const VERB_OF = new Map<string, VerbKind>();
for (const [kind, list] of Object.entries(CATALOGUE.verbs) as [VerbKind, string[]][])
  for (const w of list) if (!VERB_OF.has(w.toLowerCase())) VERB_OF.set(w.toLowerCase(), kind);

/** The gloss verbs as stem phrases, longest first ("get rid of", "no longer", "turn off", "stop"). */
const GLOSS_PHRASES = (Object.entries(CATALOGUE.gloss_verbs) as [VerbKind, string[]][])
  .flatMap(([kind, list]) => list.map((p) => ({ kind, stems: phraseStems(p) })))
  .filter((p) => p.stems.length > 0)
  .sort((a, b) => b.stems.length - a.stems.length);

/** Words read right after a name as its removal ("VE removed", "softcap off"). */
const AFTER_OFF = new Set(['removed', 'disabled', 'dropped', 'off', 'deleted']);
/** Verbs whose particle comes after the object ("switch the softcap off", "turn EMA on"). */
const PARTICLE_VERBS = new Set([
  'turn',
  'turned',
  'turning',
  'turns',
  'switch',
  'switched',
  'switching',
  'switches',
  'flip',
  'flipped',
  'toggle',
  'toggled',
  'shut',
  'shutting',
]);
/** Verbs that take "out" as a removal ("taken out", "left out", "stripped out"). */
const OUT_VERBS = new Set(['take', 'taken', 'took', 'left', 'leave', 'strip', 'stripped', 'rip', 'ripped', 'cut', 'factor', 'factored']);
/** Words between a name and its particle ("is turned off entirely", "gets switched off"). */
const BEFORE_PARTICLE = new Set([
  'is',
  'are',
  'was',
  'were',
  'be',
  'been',
  'being',
  'get',
  'gets',
  'got',
  'getting',
  'gotten',
  'completely',
  'entirely',
  'altogether',
  'fully',
  'totally',
  'just',
  'all',
  'the',
  'way',
  'now',
  'also',
  'simply',
  'then',
  'worth',
  'should',
  'could',
  'would',
  'can',
  'might',
  'must',
  'to',
  'it',
  'them',
  'we',
  'finally',
  ...PARTICLE_VERBS,
  ...OUT_VERBS,
]);
/** A quantity of the run spent on something: "more [of the run in] the cooldown", "a bigger [share of training in] the warm-down". */
const PARTITIVE = new Set([
  'of',
  'the',
  'a',
  'an',
  'its',
  'their',
  'run',
  'training',
  'budget',
  'steps',
  'step',
  'schedule',
  'time',
  'iterations',
  'updates',
  'share',
  'fraction',
  'portion',
  'part',
  'proportion',
  'percentage',
  'chunk',
  'amount',
  'slice',
  'spent',
  'spend',
  'spending',
  'in',
  'on',
  'to',
  'for',
  'at',
  'into',
  'devoted',
  'given',
  'put',
  'total',
  'overall',
  'whole',
]);
const QUANTITY = new Set(['of', 'share', 'fraction', 'portion', 'part', 'proportion', 'percentage', 'chunk', 'amount', 'slice', 'time']);
/** Nearest words before a name a verb may stand in ("remove [the dead] VE"). */
const BEFORE = 3;
/** Farthest a concept's own direction words may be from a bare mention of it. */
const OWN_REACH = 6;

interface Found {
  verb: VerbKind;
  at: number;
}

/** The gloss verb phrase ending at word `end` (all in one clause), if any. */
function glossPhraseEndingAt(ws: readonly Word[], end: number): { kind: VerbKind; from: number } | null {
  for (const p of GLOSS_PHRASES) {
    const from = end - p.stems.length + 1;
    if (from < 0 || ws[from].clause !== ws[end].clause) continue;
    if (p.stems.every((s, k) => ws[from + k].stem === s)) return { kind: p.kind, from };
  }
  return null;
}

/**
 * The particle after a name ("… is turned off", "… switched on", "take VE out", "QK norm: off"), read
 * through the words allowed between; `before`: the words before the name, where "switch", "take" may stand.
 */
function particleAfter(text: string, ws: readonly Word[], last: number, before: readonly Word[]): Found | null {
  let sawParticleVerb = before.some((w) => PARTICLE_VERBS.has(w.text));
  let sawOutVerb = before.some((w) => OUT_VERBS.has(w.text));
  const next = ws[last + 1];
  if (next && /^\s*[:=]\s*$/.test(text.slice(ws[last].end, next.start))) {
    if (['off', 'false', 'none', 'disabled', 'no'].includes(next.text)) return { verb: 'disable', at: last + 1 };
    if (['on', 'true', 'enabled', 'yes'].includes(next.text)) return { verb: 'enable', at: last + 1 };
  }
  for (let i = last + 1; i < ws.length && i <= last + 5 && ws[i].clause === ws[last].clause; i++) {
    const t = ws[i].text;
    if (AFTER_OFF.has(t)) return { verb: 'disable', at: i };
    if (t === 'on' && sawParticleVerb) return { verb: 'enable', at: i };
    if (t === 'out' && sawOutVerb) return { verb: 'disable', at: i };
    if (!BEFORE_PARTICLE.has(t)) return null;
    sawParticleVerb ||= PARTICLE_VERBS.has(t);
    sawOutVerb ||= OUT_VERBS.has(t);
  }
  return null;
}

/** The generic verb for a mention, with the word it was read from. */
function genericVerb(text: string, ws: readonly Word[], first: number, last: number, kind: 'param' | 'switch'): Found | null {
  if (kind === 'switch' && VERB_OF.get(ws[first].text) === 'disable') return { verb: 'disable', at: first };
  for (let i = first; kind === 'param' && i <= last; i++) {
    const v = VERB_OF.get(ws[i].text); // "deeper", "more layers"; not the "up" of "warm up" nor the "half" of "second half"
    if ((v === 'raise' || v === 'lower') && ws[i].text !== 'up' && ws[i].text !== 'down') return { verb: v, at: i };
  }
  const sameClause = (i: number) => i >= 0 && ws[i].clause === ws[first].clause;
  let before: Found | null = null;
  for (let i = first - 1; i >= first - BEFORE && sameClause(i); i--) {
    const v = VERB_OF.get(ws[i].text);
    if (!v) continue;
    // "no longer tie …": a gloss phrase that holds the verb; "stop using EMA": a removal before the use.
    const holds = glossPhraseEndingAt(ws, i);
    const g = i > 0 ? glossPhraseEndingAt(ws, i - 1) : null;
    before =
      holds && holds.from < i && (kind === 'param' || holds.kind === 'enable' || holds.kind === 'disable')
        ? { verb: holds.kind, at: i }
        : v === 'enable' && g?.kind === 'disable'
          ? { verb: 'disable', at: i }
          : { verb: v, at: i };
    break;
  }
  const particle = particleAfter(
    text,
    ws,
    last,
    ws.slice(Math.max(0, first - BEFORE), first).filter((w) => w.clause === ws[first].clause),
  );
  // "switch the value embeddings off": the particle, not the "switch", says what happened.
  if (particle && (!before || before.verb === 'replace' || PARTICLE_VERBS.has(ws[before.at].text) || OUT_VERBS.has(ws[before.at].text)))
    return particle;
  if (before) return before;
  for (let i = first - 1; i >= first - BEFORE && sameClause(i); i--) {
    const g = glossPhraseEndingAt(ws, i);
    if (g && (kind === 'param' || g.kind === 'enable' || g.kind === 'disable')) return { verb: g.kind, at: g.from }; // "extra" says nothing of a switch
  }
  for (const next of ws.slice(last + 1, last + 3)) {
    if (next.clause !== ws[last].clause) break;
    if (AFTER_OFF.has(next.text)) return { verb: 'disable', at: ws.indexOf(next) };
    const v = VERB_OF.get(next.text);
    if (kind === 'param' && v && v !== 'enable' && v !== 'disable' && v !== 'replace') return { verb: v, at: ws.indexOf(next) };
  }
  if (kind === 'param') {
    // "spend more of the run in the LR cooldown", "give a bigger share of training to warmup".
    let i = first - 1;
    let quantity = false;
    for (; sameClause(i) && first - i <= 8 && PARTITIVE.has(ws[i].text); i--) quantity ||= QUANTITY.has(ws[i].text);
    const v = sameClause(i) && quantity ? VERB_OF.get(ws[i].text) : undefined;
    if (v === 'raise' || v === 'lower' || v === 'halve' || v === 'double') return { verb: v, at: i };
  }
  return null;
}

/** The concept's own direction words in one clause, longest first, as indices into `ws`. */
function ownSpans(ws: readonly Word[], clause: number, concept: string) {
  const at: number[] = [];
  ws.forEach((w, i) => w.clause === clause && at.push(i));
  return directionSpans(
    at.map((i) => ws[i].text),
    concept,
  )
    .map((s) => ({ ...s, from: at[s.from], to: at[s.to] }))
    .sort((a, b) => b.length - a.length);
}

/**
 * The verb that says what happens to a mention. The concept's own direction words win where they
 * cover the mention or the verb ("drop attention" adds MLP-only layers, "less time at peak" is a
 * longer warm-down), and give a bare mention its direction when near it, with no other name between.
 */
export function verbNear(
  text: string,
  ws: readonly Word[],
  m: Mention,
  kind: 'param' | 'switch',
  mentions: readonly Mention[],
  concept = m.concept,
): VerbKind | null {
  const first = ws.findIndex((w) => w.start >= m.start);
  if (first < 0) return null;
  let last = first;
  while (last + 1 < ws.length && ws[last + 1].end <= m.end) last++;
  const found = genericVerb(text, ws, first, last, kind);
  const own = ownSpans(ws, ws[first].clause, concept);
  const covers = (s: { from: number; to: number }, a: number, b: number) => s.from <= b && a <= s.to;
  // Over the verb ("drop attention" holds the "drop"), or over the name when no verb was read.
  const over = own.find((s) => (found ? covers(s, found.at, found.at) : covers(s, first, last)));
  if (over) return over.action;
  if (found) return found.verb;
  // A bare mention: its own words within reach, no other name between ("start the warm-down later").
  const others = mentions.filter((x) => x !== m && x.concept !== m.concept).map((x) => ws.findIndex((w) => w.start >= x.start));
  const near = own.find((s) => {
    const [a, b] = s.to < first ? [s.to, first] : [last, s.from];
    return b - a <= OWN_REACH && !others.some((o) => o > a && o < b) && !covers(s, first, last);
  });
  return near?.action ?? null;
}
