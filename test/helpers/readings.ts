// understand()'s readings as the catalogue tests compare them: each change written as a short
// line, and the concepts a reading touches.
import { understand, type Change } from '../../server/catalogue/understand.ts';

/** A change as the table writes it: `CONCEPT action [from>to]`. */
const showChange = (c: Change) => `${c.concept} ${c.action}${c.from !== null || c.to !== null ? ` ${c.from ?? ''}>${c.to ?? ''}` : ''}`;

/** The changes a record reads as, mentions left out, sorted. */
export const changesOf = (description: string, diff: string | null = null) =>
  understand({ description, diff })
    .changes.filter((c) => c.action !== 'mention')
    .map(showChange)
    .sort();

/** Every concept a reading changes or mentions. */
export const touched = (description: string) => understand({ description, diff: null }).changes.map((c) => c.concept);
