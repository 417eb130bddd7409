// The change of a choice slot from its mentions ("B instead of A", "replace A with B", "A → B",
// "B"), and choices written as bare codes beside their slot ("window pattern S", "SSSL → S").
import { CONCEPTS } from './catalogue.ts';
import type { Change } from './change-set.ts';
import { alternation, LANGUAGE } from './language.ts';
import { VERB_OF } from './prose-verbs.ts';
import type { Mention } from './recognize.ts';
import type { Word } from './words.ts';

const NUMBER_WORDS: ReadonlySet<string> = new Set(LANGUAGE.token_numbers);
const isNumberWord = (w: Word | undefined) => w !== undefined && (/^\d/.test(w.text) || NUMBER_WORDS.has(w.text));

const NEW_FIRST = new RegExp(String.raw`\b(?:${alternation([...LANGUAGE.new_first, ...LANGUAGE.mention_new_first])})\b`, 'i');
const OLD_FIRST = new RegExp(String.raw`->|→|=>|⟶|\b(?:${alternation(LANGUAGE.old_first)})\b`, 'i'); // every arrow but ⇒

/**
 * Choices written as their code beside a mention of their slot or of another of its choices, in
 * capitals ("window pattern S", "WINDOW_PATTERN L everywhere", "SSSL → S"): a code alone means
 * nothing ("S" in other prose), and a lower-case one is a word ("the pattern's").
 */
export function codeMentions(text: string, ws: readonly Word[], mentions: readonly Mention[]): Mention[] {
  const out: Mention[] = [];
  for (const concept of new Set(mentions.map((m) => m.concept))) {
    const choices = CONCEPTS.get(concept)?.choices;
    if (!choices) continue;
    const own = mentions.filter((m) => m.concept === concept);
    const clauses = new Set(own.map((m) => ws.find((w) => w.start >= m.start)?.clause));
    for (const w of ws) {
      const raw = text.slice(w.start, w.end);
      const labelled = own.some((m) => m.end <= w.start && /^\s*[:=]\s*$/.test(text.slice(m.end, w.start))); // "window pattern: SL"
      if (!(clauses.has(w.clause) || labelled) || !/^[A-Z]{1,6}$/.test(raw) || !(w.text in choices)) continue;
      if (mentions.some((m) => m.start <= w.start && w.end <= m.end)) continue; // already read (an identifier such as SSSL)
      out.push({ concept, choice: w.text, via: 'identifier', start: w.start, end: w.end });
    }
  }
  return out;
}

/** The change of a choice slot from its mentions: "B instead of A", "replace A with B", "A → B", "B". */
export function choiceChange(
  concept: string,
  text: string,
  ws: readonly Word[],
  ms: Mention[],
  aside: boolean,
  contextFrom: number,
): Change {
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
