// Glosses: a fuzzy reading of what a text is about, for text that names no concept. Each concept's
// descriptive vocabulary (catalogue.json `gloss`, its direction words, its choices' glosses) is
// matched on stems, weighted by how specific a stem is across all glosses (IDF), phrases counting more.
import { broaderChain, CATALOGUE, CONCEPTS } from './catalogue.ts';
import { contentTokens, glossStem, glossTokens, phraseEnd, type GlossToken } from './gloss-words.ts';

/** Least share of the text's weighted content a concept must explain (its score). */
export const GLOSS_MIN_SCORE = 0.55;
/** Least number of distinct stems a concept must match: one word is never enough. */
export const GLOSS_MIN_WORDS = 2;
/** An unrelated concept explaining the same words may score at most (1 − margin) × the winner's. */
export const GLOSS_MARGIN = 0.2;
/** Extra weight of a matched multi-word gloss phrase, as a multiple of its stems' IDF. */
export const GLOSS_PHRASE_BONUS = 0.5;
/** Weight of a text word no gloss holds ("browser", "weather"): it dilutes every score. */
export const GLOSS_UNKNOWN_WEIGHT = 3;
/** Content words a phrase's stems may skip between them ("token [embedding] lookup table"). */
export const GLOSS_PHRASE_GAP = 1;
/** A narrower concept (or a choice) replaces its broader one only when it scores this share more (MATRIX_LR over LR). */
export const GLOSS_NARROWER_GAIN = 0.2;
/** Most matches returned (understand() takes these as changes). */
export const GLOSS_MAX_MATCHES = 2;

export interface GlossMatch {
  concept: string;
  choice: string | null;
  /** Weighted share of the text's content this concept explains (≥ GLOSS_MIN_SCORE; phrases can lift it past 1). */
  score: number;
  /** The text's words that matched, in order. */
  words: string[];
}

export type GlossAction = 'raise' | 'lower' | 'enable' | 'disable';

// ---------------------------------------------------------------------------------------------
// The index, built once: one document per concept and per glossed choice.

interface Doc {
  concept: string;
  choice: string | null;
  stems: Set<string>;
  phrases: string[][];
}

const docs: Doc[] = [];
const df = new Map<string, number>();
const postings = new Map<string, number[]>();
const phrasesByFirst = new Map<string, { doc: number; stems: string[] }[]>();
const choiceDocs = new Map<string, number[]>();
const conceptDoc = new Map<string, number>();

const glossStems = (phrase: string): string[] => contentTokens(glossTokens(phrase), () => true).map((t) => t.stem);

function addDoc(concept: string, choice: string | null, phrases: readonly string[]) {
  const doc: Doc = { concept, choice, stems: new Set(), phrases: [] };
  for (const p of phrases) {
    const stems = glossStems(p);
    for (const s of stems) doc.stems.add(s);
    if (stems.length > 1 && !doc.phrases.some((q) => q.join(' ') === stems.join(' '))) doc.phrases.push(stems);
  }
  const at = docs.push(doc) - 1;
  if (choice === null) conceptDoc.set(concept, at);
  else choiceDocs.set(concept, [...(choiceDocs.get(concept) ?? []), at]);
  for (const s of doc.stems) {
    df.set(s, (df.get(s) ?? 0) + 1);
    postings.set(s, [...(postings.get(s) ?? []), at]);
  }
  for (const stems of doc.phrases) phrasesByFirst.set(stems[0], [...(phrasesByFirst.get(stems[0]) ?? []), { doc: at, stems }]);
}

for (const c of CATALOGUE.concepts) {
  addDoc(c.id, null, [...c.gloss, ...c.raise_words, ...c.lower_words, ...c.enable_words, ...c.disable_words]);
  for (const [key, ch] of Object.entries(c.choices ?? {})) if (ch.gloss.length) addDoc(c.id, key, ch.gloss);
}

/** Each concept's broader chain, nearest first. */
const CHAIN = new Map(CATALOGUE.concepts.map((c) => [c.id, broaderChain(c.id)]));
const chainOf = (id: string) => CHAIN.get(id) ?? [];

const N = docs.length;
const IDF = new Map<string, number>([...df].map(([s, n]) => [s, Math.log((N + 1) / (n + 0.5))]));
const idf = (s: string) => IDF.get(s) ?? 0;
const known = (s: string) => IDF.has(s);

// ---------------------------------------------------------------------------------------------
// Scoring.

interface DocHit {
  stems: Set<string>;
  phrases: string[][];
}
interface Candidate {
  concept: string;
  choice: string | null;
  stems: Set<string>;
  phrases: string[][];
  mass: number;
}

/** The gloss phrases (by document) found among the content words, of allowed stems only. */
function phraseHits(content: readonly GlossToken[], allowed: Set<string>): Map<number, string[][]> {
  const stems = content.map((t) => t.stem);
  const out = new Map<number, string[][]>();
  stems.forEach((first, i) => {
    for (const { doc, stems: phrase } of phrasesByFirst.get(first) ?? []) {
      if (!phrase.every((s) => allowed.has(s)) || phraseEnd(stems, i, phrase, GLOSS_PHRASE_GAP) < 0) continue;
      const list = out.get(doc) ?? [];
      if (!list.includes(phrase)) list.push(phrase);
      out.set(doc, list);
    }
  });
  return out;
}

const massOf = (stems: Iterable<string>, phrases: readonly string[][]) => {
  let m = 0;
  for (const s of stems) m += idf(s);
  for (const p of phrases) for (const s of p) m += GLOSS_PHRASE_BONUS * idf(s);
  return m;
};

/**
 * Each concept's best reading over the allowed stems: its gloss with those of its broader chain (a
 * narrower concept is read in its parent's words too, and wins only where its own add to them), or
 * that with one choice's.
 */
function candidates(content: readonly GlossToken[], allowed: Set<string>): Candidate[] {
  const hits = new Map<number, DocHit>();
  for (const s of allowed)
    for (const d of postings.get(s) ?? []) {
      const h = hits.get(d) ?? { stems: new Set<string>(), phrases: [] };
      h.stems.add(s);
      hits.set(d, h);
    }
  for (const [d, phrases] of phraseHits(content, allowed)) hits.get(d)!.phrases.push(...phrases);
  const none: DocHit = { stems: new Set<string>(), phrases: [] };
  // Only concepts with words of their own here: one without reads exactly as its broader concept.
  const byConcept = new Map<string, Candidate>();
  for (const concept of new Set([...hits.keys()].map((d) => docs[d].concept))) {
    const chain = [concept, ...chainOf(concept)].map((id) => hits.get(conceptDoc.get(id)!) ?? none);
    const phrases = [...new Map(chain.flatMap((h) => h.phrases).map((p) => [p.join(' '), p])).values()];
    const own: DocHit = { stems: new Set(chain.flatMap((h) => [...h.stems])), phrases };
    if (own.stems.size === 0 && !(choiceDocs.get(concept) ?? []).some((cd) => hits.has(cd))) continue;
    const base = massOf(own.stems, own.phrases);
    let best: Candidate = { concept, choice: null, stems: own.stems, phrases: own.phrases, mass: base };
    let tie = false;
    for (const cd of choiceDocs.get(concept) ?? []) {
      const ch = hits.get(cd);
      if (!ch) continue;
      const stems = new Set([...own.stems, ...ch.stems]);
      const phrases = [...new Map([...own.phrases, ...ch.phrases].map((p) => [p.join(' '), p])).values()];
      const mass = massOf(stems, phrases);
      if (mass < (1 + GLOSS_NARROWER_GAIN) * base) continue; // a choice, too, must add to its concept's words
      if (mass > best.mass + 1e-9) {
        best = { concept, choice: docs[cd].choice, stems, phrases, mass };
        tie = false;
      } else if (best.choice !== null && Math.abs(mass - best.mass) < 1e-9) tie = true;
    }
    byConcept.set(concept, tie ? { ...best, choice: null } : best);
  }
  // Equal readings: the more general concept (a narrower one must add words of its own).
  const depth = (id: string) => chainOf(id).length;
  return [...byConcept.values()].sort((a, b) => b.mass - a.mass || depth(a.concept) - depth(b.concept) || (a.concept < b.concept ? -1 : 1));
}

/** The same concept, or one in the other's broader chain (MATRIX_LR and LR). */
const related = (a: string, b: string) => a === b || chainOf(a).includes(b) || chainOf(b).includes(a);

/** What `c` scores on `stems` alone: how well it explains the same words as the winner. */
const sharedMass = (c: Candidate, stems: Set<string>) =>
  massOf(
    [...c.stems].filter((s) => stems.has(s)),
    c.phrases.filter((p) => p.every((s) => stems.has(s))),
  );

/** The concepts a text describes by their glosses, best first; [] when none clears the thresholds. */
export function matchGlosses(text: string): GlossMatch[] {
  if (!text || !/\p{L}/u.test(text)) return [];
  const content = contentTokens(glossTokens(text.slice(0, 2000)), known);
  const weight = new Map<string, number>();
  for (const t of content) weight.set(t.stem, known(t.stem) ? idf(t.stem) : GLOSS_UNKNOWN_WEIGHT);
  let left = new Set([...weight.keys()].filter(known));
  let total = [...weight.values()].reduce((a, b) => a + b, 0);
  const out: GlossMatch[] = [];
  while (out.length < GLOSS_MAX_MATCHES && left.size >= GLOSS_MIN_WORDS && total > 0) {
    const ranked = candidates(content, left).filter((c) => !out.some((m) => related(m.concept, c.concept)));
    const read = ranked.length ? choose(ranked, (id) => glossDirection(text, id) !== null) : null;
    if (!read || read.top.stems.size < GLOSS_MIN_WORDS || read.top.mass / total < GLOSS_MIN_SCORE) break;
    const { top, concept, choice } = read;
    const matchedWords = content.filter((t) => top.stems.has(t.stem)).map((t) => t.text);
    out.push({ concept, choice, score: round(top.mass / total), words: [...new Set(matchedWords)] });
    // What the first reading explained is spent: a second one must explain most of the rest.
    total -= [...top.stems].reduce((sum, s) => sum + (weight.get(s) ?? 0), 0);
    left = new Set([...left].filter((s) => !top.stems.has(s)));
  }
  return out;
}

/**
 * The reading a ranking settles on: the best candidate, or its broader concept when it adds too
 * little to it; none when an unrelated concept explains nearly the same words (beyond a broader
 * concept the two share: then that one, "warm-up" read both in steps and as a fraction), unless
 * only the best one's own direction words are in the text ("fewer iterations" is a count).
 */
function choose(
  ranked: Candidate[],
  directed: (concept: string) => boolean,
): { top: Candidate; concept: string; choice: string | null } | null {
  const byId = new Map(ranked.map((c) => [c.concept, c]));
  let top = ranked[0];
  for (let b = broaderOf(top, byId); b && top.mass < (1 + GLOSS_NARROWER_GAIN) * b.mass; b = broaderOf(top, byId)) top = b;
  const conflicts = new Set<string | undefined>();
  const rivals: string[] = [];
  for (const c of ranked) {
    if (related(c.concept, top.concept)) continue;
    const common = chainOf(top.concept).find((b) => chainOf(c.concept).includes(b));
    if (!common && c.mass <= (1 - GLOSS_MARGIN) * top.mass) continue; // it cannot explain enough of the same words
    const base = (common && byId.get(common)?.stems) || new Set<string>();
    const own = new Set([...top.stems].filter((s) => !base.has(s)));
    const ownMass = massOf(
      own,
      top.phrases.filter((p) => p.some((s) => own.has(s))),
    );
    if (ownMass <= 0 || sharedMass(c, own) > (1 - GLOSS_MARGIN) * ownMass) {
      conflicts.add(common);
      rivals.push(c.concept);
    }
  }
  if (conflicts.size === 0 || (directed(top.concept) && !rivals.some(directed))) return { top, concept: top.concept, choice: top.choice };
  const [common] = [...conflicts];
  return conflicts.size === 1 && common !== undefined ? { top, concept: common, choice: null } : null;
}

/** The nearest broader concept of `c` that is itself a candidate. */
const broaderOf = (c: Candidate, byId: Map<string, Candidate>) =>
  chainOf(c.concept)
    .map((id) => byId.get(id))
    .find((x) => x !== undefined);

const round = (x: number) => Math.round(x * 1000) / 1000;

// ---------------------------------------------------------------------------------------------
// Directions in a concept's own words.

interface DirectionPhrase {
  action: GlossAction;
  stems: string[];
}
const FILLER = new Set(['a', 'an', 'the', 'its', 'their', 'of', 'to', 'is', 'are', 'be', 'it']);
const DIRECTIONS = new Map<string, DirectionPhrase[]>();
for (const c of CATALOGUE.concepts) {
  const list: DirectionPhrase[] = [];
  const add = (action: GlossAction, phrases: readonly string[]) => {
    for (const p of phrases)
      list.push({
        action,
        stems: glossTokens(p)
          .filter((t) => !FILLER.has(t.text))
          .map((t) => t.stem),
      });
  };
  add('raise', c.raise_words);
  add('lower', c.lower_words);
  add('enable', c.enable_words);
  add('disable', c.disable_words);
  if (list.length)
    DIRECTIONS.set(
      c.id,
      list.filter((d) => d.stems.length > 0),
    );
}

/** The action a concept's own direction words imply in a text ("taller" → raise DEPTH), or null. */
export function glossDirection(text: string, concept: string): GlossAction | null {
  const phrases = DIRECTIONS.get(concept);
  if (!phrases || !CONCEPTS.has(concept)) return null;
  const stems = glossTokens(text.slice(0, 2000))
    .filter((t) => !FILLER.has(t.text))
    .map((t) => t.stem);
  // The longest phrase found (at most two words between its words), then the earliest.
  let best: { action: GlossAction; length: number; at: number } | null = null;
  for (const p of phrases) {
    const at = stems.findIndex((_, i) => phraseEnd(stems, i, p.stems, 2) >= 0);
    if (at < 0) continue;
    if (!best || p.stems.length > best.length || (p.stems.length === best.length && at < best.at))
      best = { action: p.action, length: p.stems.length, at };
  }
  return best?.action ?? null;
}

/** Where a concept's own direction words occur among `texts` (a clause's words, in order): each phrase found, with the word indices it spans. */
export function directionSpans(
  texts: readonly string[],
  concept: string,
): { action: GlossAction; from: number; to: number; length: number }[] {
  const phrases = DIRECTIONS.get(concept);
  if (!phrases?.length) return [];
  const kept = texts.map((t, i) => ({ t, i })).filter((x) => !FILLER.has(x.t));
  const stems = kept.map((k) => glossStem(k.t));
  const out: { action: GlossAction; from: number; to: number; length: number }[] = [];
  for (const p of phrases)
    for (let i = 0; i < stems.length; i++) {
      const end = phraseEnd(stems, i, p.stems, 2);
      if (end >= 0) out.push({ action: p.action, from: kept[i].i, to: kept[end].i, length: p.stems.length });
    }
  return out;
}
