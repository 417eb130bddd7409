// The replication group of a record: records that ran the same train.py, i.e. the same parent
// train.py (its SHA-256) changed by the same normalised diff (the idea engine's diff key), or a
// record and those that say they replicate it.
import { createHash } from 'node:crypto';
import type { RecordPayload } from '../../protocol/record.schema.ts';
import { changedLines, renderLines } from '../../catalogue/diff.ts';

/** `s:<parent train.py sha256>:<diff key>`, or null when the payload cannot say what it ran. */
export function sameTrainPyKey(p: Pick<RecordPayload, 'parent' | 'diff'>): string | null {
  const sha = p.parent?.train_py_sha256;
  if (!sha || !p.diff) return null;
  const lines = changedLines(p.diff);
  if (lines.length === 0) return null;
  return `s:${sha}:${createHash('sha256').update(renderLines(lines)).digest('hex')}`;
}

/** The group of a record that is replicated but says nothing of its own train.py. */
export const recordGroupKey = (id: string) => `r:${id}`;
