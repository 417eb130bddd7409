// The catalogue of the autoresearch training stack (catalogue.json), validated with zod and
// cross-checked at load time, then indexed: concepts by id, and the version stored records carry
// (of catalogue.json and language.json together).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { LANGUAGE_SOURCE } from './language.ts';

export const GROUPS = [
  'optimizer',
  'schedule',
  'batch',
  'model_shape',
  'attention',
  'mlp',
  'embeddings',
  'normalization',
  'regularization',
  'loss',
  'precision_systems',
  'data',
  'evaluation',
  'other',
] as const;

const text = z.string().trim().min(1);
/** One paraphrase rule: every group (alternatives separated by `|`) must occur in one clause. */
const pattern = z.array(text).min(1).max(4);
const phrases = z.array(text).default([]);

const choiceSchema = z.strictObject({
  name: text,
  aliases: phrases,
  weak_aliases: phrases,
  identifiers: phrases,
  patterns: z.array(pattern).default([]),
  /** Choices whose code this one contains (SwiGLU calls SiLU): when both are added, this one is meant. */
  subsumes: z.array(text).default([]),
  /** Words that describe this choice without naming it (gloss.ts), read beside the concept's gloss. */
  gloss: phrases,
});

const conceptSchema = z.strictObject({
  id: z.string().regex(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/, 'UPPER_SNAKE'),
  name: text,
  group: z.enum(GROUPS),
  kind: z.enum(['param', 'switch']),
  identifiers: phrases,
  aliases: phrases,
  /** Names too generic to count as a mention alone ("mlp"), read only beside a value or direction. */
  weak_aliases: phrases,
  patterns: z.array(pattern).default([]),
  examples: phrases,
  broader: text.optional(),
  choices: z.record(z.string().regex(/^[a-z0-9_]+$/), choiceSchema).optional(),
  resolve_by_value: z
    .array(z.strictObject({ below: z.number().optional(), above: z.number().optional(), id: text }))
    .min(1)
    .optional(),
  derived_from: z.array(text).min(1).optional(),
  tuple_of: z.array(text).min(2).optional(),
  multiple_valued: z.boolean().optional(),
  /** Counts of it may say where another change applies rather than change it ("XSA on the last 4 layers"). */
  scope_unit: z.boolean().optional(),
  /** Its code identifiers are tools every model calls (`nn.init.normal_`, `nn.init.zeros_` set up each new module): code that calls them changes nothing of it. */
  called_everywhere: z.boolean().optional(),
  /** A bound that switched off goes to infinity, not to 0: removing the logit softcap loosens it, the other way from tightening it. */
  off_is_unbounded: z.boolean().optional(),
  notes: text.optional(),
  /** Descriptive vocabulary for the fuzzy fallback (gloss.ts): what it acts on, does, is computed from. */
  gloss: phrases,
  /** A param's own direction words ("taller" raises DEPTH, "cheaper" lowers NS_STEPS). */
  raise_words: phrases,
  lower_words: phrases,
  /** A switch's own on / off words ("untie" turns weight tying off); a param's off words set it to zero ("constant momentum" is no warm-up). */
  enable_words: phrases,
  disable_words: phrases,
});

const verbs = z.array(text).min(1);

const catalogueSchema = z.strictObject({
  version: z.number().int().positive(),
  verbs: z.strictObject({ raise: verbs, lower: verbs, halve: verbs, double: verbs, enable: verbs, disable: verbs, replace: verbs }),
  not_params: z.array(text).min(1),
  /** Direction words read only by the gloss fallback ("stop", "no longer", "heavier"). */
  gloss_verbs: z.strictObject({ raise: verbs, lower: verbs, enable: verbs, disable: verbs }),
  /** Words that open the change part of a baseline run ("baseline", "smoke test"): such a run changes nothing. */
  baseline_markers: z.array(text.regex(/^[a-z0-9][a-z0-9 .'-]*$/, 'lower-case words')).min(1),
  concepts: z.array(conceptSchema).min(1),
});

export type Catalogue = z.infer<typeof catalogueSchema>;
export type Concept = z.infer<typeof conceptSchema>;
export type VerbKind = keyof Catalogue['verbs'];

/** A parsed catalogue, or an error naming every problem: schema, duplicate ids, dangling references. */
export function parseCatalogue(raw: unknown): Catalogue {
  const catalogue = catalogueSchema.parse(raw);
  const problems: string[] = [];
  const markers = new Set<string>();
  for (const m of catalogue.baseline_markers) {
    if (markers.has(m)) problems.push(`baseline_markers: "${m}" listed twice`);
    markers.add(m);
  }
  const ids = new Set<string>();
  for (const c of catalogue.concepts) {
    if (ids.has(c.id)) problems.push(`${c.id}: listed twice`);
    ids.add(c.id);
  }
  for (const c of catalogue.concepts) {
    const refs = [c.broader, ...(c.derived_from ?? []), ...(c.tuple_of ?? []), ...(c.resolve_by_value ?? []).map((r) => r.id)];
    for (const ref of refs) if (ref !== undefined && !ids.has(ref)) problems.push(`${c.id}: refers to unknown concept ${ref}`);
    if (c.choices && c.kind !== 'param') problems.push(`${c.id}: only a param takes choices`);
    if (c.scope_unit && c.kind !== 'param') problems.push(`${c.id}: only a param is a scope unit`);
    if (c.kind === 'param' && c.enable_words.length)
      problems.push(`${c.id}: a param has raise_words / lower_words (and disable_words for zero), not enable_words`);
    if (c.kind === 'switch' && (c.raise_words.length || c.lower_words.length))
      problems.push(`${c.id}: a switch has enable_words / disable_words, not raise_words / lower_words`);
    for (const [key, choice] of Object.entries(c.choices ?? {}))
      for (const s of choice.subsumes) if (!c.choices?.[s] || s === key) problems.push(`${c.id}.${key}: subsumes unknown choice ${s}`);
    const last = c.resolve_by_value?.at(-1);
    if (last && (last.below !== undefined || last.above !== undefined))
      problems.push(`${c.id}: the last resolve_by_value rule must be unconditional`);
  }
  for (const c of catalogue.concepts) {
    const seen = new Set<string>();
    for (let at: Concept | undefined = c; at?.broader; at = catalogue.concepts.find((x) => x.id === at!.broader)) {
      if (seen.has(at.id)) {
        problems.push(`${c.id}: broader chain loops`);
        break;
      }
      seen.add(at.id);
    }
  }
  if (problems.length) throw new Error(`catalogue.json is invalid:\n  ${problems.join('\n  ')}`);
  return catalogue;
}

const FILE = new URL('./catalogue.json', import.meta.url);
const SOURCE = readFileSync(FILE, 'utf8');

export const CATALOGUE: Catalogue = parseCatalogue(JSON.parse(SOURCE));

/** `${version}-${sha256 prefix}`: changes whenever catalogue.json's or language.json's content changes. */
export const CATALOGUE_VERSION = `${CATALOGUE.version}-${createHash('sha256').update(SOURCE).update(LANGUAGE_SOURCE).digest('hex').slice(0, 12)}`;

export const CONCEPTS: ReadonlyMap<string, Concept> = new Map(CATALOGUE.concepts.map((c) => [c.id, c]));

/** The concept a resolve_by_value hub means for a value (NaN: its unconditional default). */
export function resolveByValue(concept: Concept, value: number): string {
  for (const rule of concept.resolve_by_value ?? [])
    if ((rule.below === undefined || value < rule.below) && (rule.above === undefined || value > rule.above)) return rule.id;
  return concept.id;
}

/** The concept's broader ones, nearest first. */
export function broaderChain(id: string): string[] {
  const out: string[] = [];
  for (let b = CONCEPTS.get(id)?.broader; b && !out.includes(b); b = CONCEPTS.get(b)?.broader) out.push(b);
  return out;
}

/** Concepts whose broader chain reaches `id` (MATRIX_LR, EMBEDDING_LR, … for LR). */
export function narrowerConcepts(id: string): string[] {
  return CATALOGUE.concepts.filter((c) => broaderChain(c.id).includes(id)).map((c) => c.id);
}
