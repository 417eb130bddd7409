// The identity features of one experiment record: the hash of its normalised diff, the key of
// the parameters it changes, and the text to embed (description + changed lines).
import { createHash } from 'node:crypto';
import { paramKey, type ParamChange } from './changes.ts';
import { describeChanges } from './describe.ts';
import { changedLines, diffChanges, renderLines, type DiffLine } from './diff.ts';

export type { ParamChange } from './changes.ts';
export { paramKeysConflict } from './changes.ts';
export { normaliseDiff } from './diff.ts';

export interface IdeaFeatures {
  /** Hex SHA-256 of the normalised diff; null without a diff or without +/- lines. */
  diffKey: string | null;
  /** Canonical, order-independent key of the parameter changes ("MATRIX_LR:0.04>0.06"); null when none. */
  paramKey: string | null;
  changes: ParamChange[];
  /** What to embed: the description on the first line, then the changed lines (bounded). */
  text: string;
}

const MAX_DESCRIPTION_CHARS = 600;
const MAX_TEXT_CHARS = 2000;

/**
 * A diff that changes nothing but parameter assignments is authoritative: its changes make the
 * key. Without a diff (or with one that changes only comments), and for a diff that also edits
 * code, the changes are the ones the description names; a mixed diff's key is then the
 * description's, so "cosine warmdown + MATRIX_LR 0.05" never passes for a plain LR change.
 */
export function ideaFeatures(input: { description: string; diff: string | null }): IdeaFeatures {
  const description = input.description.replace(/\s+/g, ' ').trim();
  const lines = input.diff ? changedLines(input.diff) : [];
  const diffKey = lines.length ? createHash('sha256').update(renderLines(lines)).digest('hex') : null;
  const text = embeddingText(description, lines);
  const fromDiff = lines.length ? diffChanges(lines) : null;
  if (fromDiff?.pure) return { diffKey, paramKey: paramKey(fromDiff.changes), changes: fromDiff.changes, text };
  const { changes, switchedOn } = describeChanges(description);
  return { diffKey, paramKey: paramKey(changes, switchedOn), changes: fromDiff?.changes.length ? fromDiff.changes : changes, text };
}

function embeddingText(description: string, lines: readonly DiffLine[]): string {
  let text = description.slice(0, MAX_DESCRIPTION_CHARS);
  for (const line of renderLines(lines).split('\n')) {
    if (!line || text.length + 1 + line.length > MAX_TEXT_CHARS) break;
    text += `\n${line}`;
  }
  return text;
}
