// The identity features of one experiment record: the hash of its normalised diff, the key of
// the changes it makes as the catalogue reads them, and the text to embed (description + changed lines).
import { createHash } from 'node:crypto';
import { conceptOf, standsFor } from '../../catalogue/change-set.ts';
import { changeKey, type Change } from '../../catalogue/relate.ts';
import { understand, type Understanding } from '../../catalogue/understand.ts';
import { changedLines, diffChanges, renderLines, type DiffLine } from '../../catalogue/diff.ts';

export { normaliseDiff } from '../../catalogue/diff.ts';

export interface IdeaFeatures {
  /** Hex SHA-256 of the normalised diff; null without a diff or without +/- lines. */
  diffKey: string | null;
  /** The change key (catalogue changes, "MATRIX_LR:raise:0.04>0.06"); null when nothing definite was understood. */
  paramKey: string | null;
  /** The changes that make the key (the catalogue's reading). */
  changes: Change[];
  /** What to embed: the description on the first line, then the changed lines (bounded). */
  text: string;
  /**
   * The catalogue's reading of `text`, when `text` holds the whole input (nothing cut by the
   * bounds): then it reads exactly as the input does, and an embedder need not read it again.
   */
  reading: Understanding | null;
}

const MAX_DESCRIPTION_CHARS = 600;
const MAX_TEXT_CHARS = 2000;

/**
 * A diff that changes nothing but parameter assignments is authoritative: its changes alone make
 * the key. Otherwise the key is every change the catalogue reads in the diff and the description,
 * so "cosine warmdown + MATRIX_LR 0.05" never passes for a plain LR change. `understood` is the
 * catalogue's reading when the caller has it already (a description is read once).
 */
export function ideaFeatures(input: { description: string; diff: string | null }, understood?: Understanding): IdeaFeatures {
  const description = input.description.replace(/\s+/g, ' ').trim();
  const lines = input.diff ? changedLines(input.diff) : [];
  const diffKey = lines.length ? createHash('sha256').update(renderLines(lines)).digest('hex') : null;
  const { text, whole } = embeddingText(description, lines);
  const u = understood ?? understand(input);
  const fromDiff = lines.length ? diffChanges(lines) : null;
  // A bare keyword's change may stand under the more specific concept the words name (MUON_BETA2 for `beta2=`).
  const pure = fromDiff?.pure ? new Set(fromDiff.changes.flatMap((c) => [conceptOf(c.name), ...standsFor(c)])) : null;
  const own = pure ? u.changes.filter((c) => pure.has(c.concept)) : [];
  const changes = own.length ? own : u.changes;
  return { diffKey, paramKey: changeKey(changes), changes, text, reading: whole ? u : null };
}

/** The text to embed, and whether it holds the whole description and every changed line. */
function embeddingText(description: string, lines: readonly DiffLine[]): { text: string; whole: boolean } {
  let text = description.slice(0, MAX_DESCRIPTION_CHARS);
  let whole = text.length === description.length;
  for (const line of renderLines(lines).split('\n')) {
    if (!line) continue;
    if (text.length + 1 + line.length > MAX_TEXT_CHARS) {
      whole = false;
      break;
    }
    text += `\n${line}`;
  }
  return { text, whole };
}
