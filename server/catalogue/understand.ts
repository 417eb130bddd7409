// What an experiment (or a query) changes, as the catalogue reads it: a list of
// (concept, action, from, to) from the diff's assignments and code identifiers and from the
// description's values, verbs and recognised mentions, never from its rationale or outcome.
import { splitDescription } from './describe.ts';
import { isBaselineHead } from './baseline.ts';
import { broaderChain, CATALOGUE_VERSION, CONCEPTS, narrowerConcepts, resolveByValue } from './catalogue.ts';
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
  const description = input.description.replace(/\s+/g, ' ').trim();
  const baselineProse = fromProse(description, set, mentioned);
  const later = !input.diff?.trim() && !baselineProse ? laterChanges(description, set, mentioned) : null;
  const changes = later ?? set.list();
  const concepts = [...new Set([...changes.map((c) => c.concept), ...mentioned])].flatMap((id) => {
    // An alias hub (BATCH, WARMUP, WARMDOWN) stands for the concept it resolved to, or its default.
    const hub = CONCEPTS.get(id);
    if (!hub?.resolve_by_value) return [id];
    return hub.resolve_by_value.some((r) => changes.some((c) => c.concept === r.id)) ? [] : [resolveByValue(hub, NaN)];
  });
  return { changes, concepts: [...new Set(concepts)], baseline: baselineProse && !input.diff?.trim() };
}

/** Sentences after the first that are read when the first changes nothing (at most this many). */
const LATER_CLAUSES = 3;
/** A later sentence that gives a reason or a result, not a change. */
const RATIONALE_START = /^(?:hypothesis|evidence|because|since|result|outcome|note)\b/i;
/** What a later sentence must do to be the change: move, switch or replace something (naming a value, "Adam", is not enough). */
const DIRECTED: ReadonlySet<Change['action']> = new Set(['raise', 'lower', 'enable', 'disable', 'replace']);

/**
 * "Our run gets few steps in the budget; I want to shrink the global batch": when the first clause
 * changes nothing (it names things, or nothing the catalogue knows), a later clause or sentence of
 * the same author (after `;` or `. `, never a rationale or outcome such as "(hypothesis: …" or
 * "— worse") may say what changes, read by names, patterns and values (never by the glosses). The first one that raises,
 * lowers, switches or replaces something is the change, and what the first clause named is context
 * (left in `mentioned`); null when none does.
 */
function laterChanges(description: string, first: ChangeSet, mentioned: string[]): Change[] | null {
  const named = first.list();
  if (named.some((c) => c.action !== 'mention')) return null;
  let rest = splitDescription(description).rest;
  for (let i = 0; i < LATER_CLAUSES && /^[;.]/.test(rest); i++) {
    const clause = rest.slice(1).trim();
    if (RATIONALE_START.test(clause)) return null;
    const later = new ChangeSet();
    const names: string[] = [];
    if (fromProse(clause, later, names, { glosses: false })) return null; // "; baseline …" changes nothing
    const changes = later.list();
    if (changes.some((c) => DIRECTED.has(c.action))) {
      mentioned.push(...named.map((c) => c.concept), ...names);
      return changes.map((c) => ({ ...c, concept: narrowedBy(c.concept, named) }));
    }
    rest = splitDescription(clause).rest;
  }
  return null;
}

/** "the embeddings barely move; give them a larger Adam LR": a broader concept changed later stands for the one narrower concept the first clause named. */
function narrowedBy(concept: string, named: readonly Change[]): string {
  const below = named.filter((n) => broaderChain(n.concept).includes(concept));
  return below.length === 1 ? below[0].concept : concept;
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
