// What an experiment (or a query) changes, as the catalogue reads it: a list of
// (concept, action, from, to) from the diff's assignments and code identifiers and from the
// description's values, verbs and recognised mentions, never from its rationale or outcome.
import { splitDescription } from './describe.ts';
import { isBaselineHead } from './baseline.ts';
import { CATALOGUE_VERSION, CONCEPTS, narrowerConcepts, resolveByValue } from './catalogue.ts';
import { ChangeSet, type Change } from './change-set.ts';
import { fromDiff } from './from-diff.ts';
import { fromProse } from './from-prose.ts';

export { CATALOGUE_VERSION, narrowerConcepts };
export type { Action, Change } from './change-set.ts';

/** `concepts`: every concept mentioned or changed (for lexical expansion), deduped. */
export interface Understanding {
  changes: Change[];
  concepts: string[];
  /** A baseline run: no diff, and the description's change part is a baseline ("baseline", "fresh baseline"): it changes nothing. */
  baseline: boolean;
}

/** The changes a record (description + optional diff) or a query names. */
export function understand(input: { description: string; diff: string | null }): Understanding {
  const set = new ChangeSet();
  const mentioned: string[] = [];
  if (input.diff) fromDiff(input.diff, set);
  const baselineProse = fromProse(input.description.replace(/\s+/g, ' ').trim(), set, mentioned);
  const changes = set.list();
  const concepts = [...new Set([...changes.map((c) => c.concept), ...mentioned])].flatMap((id) => {
    // An alias hub (BATCH, WARMUP, WARMDOWN) stands for the concept it resolved to, or its default.
    const hub = CONCEPTS.get(id);
    if (!hub?.resolve_by_value) return [id];
    return hub.resolve_by_value.some((r) => changes.some((c) => c.concept === r.id)) ? [] : [resolveByValue(hub, NaN)];
  });
  return { changes, concepts: [...new Set(concepts)], baseline: baselineProse && !input.diff?.trim() };
}

/** True when a description's change part is a baseline run ("baseline", "baseline (depth 8)", "smoke test"): it changes nothing. */
export const isBaselineDescription = (description: string) => isBaselineHead(splitDescription(description).head);

export function conceptInfo(
  id: string,
): { id: string; name: string; group: string; kind: 'param' | 'switch'; broader: string | null; aliases: string[] } | null {
  const c = CONCEPTS.get(id);
  return c ? { id: c.id, name: c.name, group: c.group, kind: c.kind, broader: c.broader ?? null, aliases: [...c.aliases] } : null;
}

/** Words to add to a full-text document or query for these concepts: id as words, name, aliases. */
export function expansionTerms(conceptIds: string[]): string[] {
  const terms = new Set<string>();
  for (const id of conceptIds) {
    terms.add(id.toLowerCase().replace(/_+/g, ' ').trim());
    const c = CONCEPTS.get(id);
    if (!c) continue;
    terms.add(c.name.toLowerCase());
    for (const a of c.aliases) terms.add(a.toLowerCase());
  }
  terms.delete('');
  return [...terms];
}
