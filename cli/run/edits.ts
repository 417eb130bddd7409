// A model's proposal for one experiment, validated and applied: JSON
// `{"description": "...", "edits": [{"search": "...", "replace": "..."}]}` where each `search` is
// exact text of train.py found exactly once. Anything else is refused with a reason the model
// is shown when asked again; a refused proposal is never applied.
import { z } from 'zod';
import { LIMITS } from '../../server/protocol/limits.ts';

export interface Proposal {
  description: string;
  edits: { search: string; replace: string }[];
}

export class ProposalError extends Error {}

const FILE_KEYS = ['file', 'path', 'filename', 'target'];

const proposalSchema = z.strictObject({
  description: z
    .string()
    .trim()
    .min(1, 'description is empty')
    .max(LIMITS.descriptionChars, `description is over ${LIMITS.descriptionChars} characters`),
  edits: z
    .array(
      z.strictObject({
        search: z.string().min(1, 'an edit has an empty "search"'),
        replace: z.string(),
        // Tolerated only when it names train.py (checked below); models like to say which file.
        file: z.string().optional(),
        path: z.string().optional(),
        filename: z.string().optional(),
        target: z.string().optional(),
      }),
    )
    .min(1, 'there are no edits')
    .max(50, 'more than 50 edits'),
});

/** Parses the model's answer (a JSON object, possibly inside a ```json fence). */
export function parseProposal(content: string): Proposal {
  const text = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/i, '$1');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProposalError(
      'the answer is not a JSON object; answer with JSON only: {"description": "...", "edits": [{"search": "...", "replace": "..."}]}',
    );
  }
  const parsed = proposalSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProposalError(`the JSON does not have the required shape: ${issue.path.join('.') || 'answer'}: ${issue.message}`);
  }
  for (const e of parsed.data.edits) {
    for (const k of FILE_KEYS) {
      const v = (e as Record<string, string | undefined>)[k];
      if (v !== undefined && v.replace(/^\.?\//, '') !== 'train.py')
        throw new ProposalError(`an edit targets "${v.slice(0, 80)}": only train.py may be edited`);
    }
  }
  return { description: parsed.data.description, edits: parsed.data.edits.map((e) => ({ search: e.search, replace: e.replace })) };
}

/** Applies the edits in order to train.py's text; every search must match exactly once. */
export function applyEdits(source: string, edits: Proposal['edits']): string {
  let out = source;
  for (const [i, e] of edits.entries()) {
    const at = out.indexOf(e.search);
    if (at < 0)
      throw new ProposalError(`edit ${i + 1}: its "search" text is not in train.py (it must be copied exactly, whitespace included)`);
    if (out.indexOf(e.search, at + 1) >= 0)
      throw new ProposalError(`edit ${i + 1}: its "search" text occurs more than once in train.py; include more context`);
    out = out.slice(0, at) + e.replace + out.slice(at + e.search.length);
  }
  if (out === source) throw new ProposalError('the edits change nothing');
  return out;
}

/**
 * Applies edits prepared against an older train.py. An edit whose search text is gone but
 * which sets one `NAME = value` constant is moved to that constant's current line (the usual
 * autoresearch change); anything else must still match exactly.
 */
export function rebaseEdits(source: string, edits: Proposal['edits']): string {
  const moved = edits.map((e) => {
    if (source.includes(e.search)) return e;
    const name = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)[^\n]*$/.exec(e.search)?.[1];
    const lines = name ? source.split('\n').filter((l) => new RegExp(`^\\s*${name}\\s*=(?!=)`).test(l)) : [];
    return lines.length === 1 ? { search: lines[0], replace: e.replace } : e;
  });
  return applyEdits(source, moved);
}
