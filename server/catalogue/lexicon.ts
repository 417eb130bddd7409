// The domain lexicon tokens.ts / describe.ts / diff.ts read, derived from the catalogue
// (catalogue.json): phrases are matched on whole words, case-insensitively,
// with `_` and `-` read as spaces. Edit the catalogue, not this file.
import { CATALOGUE, resolveByValue, type Concept } from './catalogue.ts';

/** Code identifiers that read as phrases (`matrix_lr`, `n_kv_head`): not calls, not bare UPPER words. */
const wordIdentifiers = (ids: readonly string[]) => ids.filter((id) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(id) && /[a-z_]/.test(id));
const phrasesOf = (c: Concept) => [...new Set([...c.aliases, ...c.weak_aliases, ...wordIdentifiers(c.identifiers)])];

const params = CATALOGUE.concepts.filter((c) => c.kind === 'param');
const switches = CATALOGUE.concepts.filter((c) => c.kind === 'switch');

/** train.py hyperparameters: canonical name → the phrases that name it (the name itself is implied). */
export const PARAMS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(params.map((c) => [c.id, phrasesOf(c)]));

/** Aliases whose parameter depends on the value written: a batch of 16 is sequences, of 2^16 tokens. */
export const RESOLVE_BY_VALUE: Readonly<Record<string, (v: number) => string>> = Object.fromEntries(
  params.filter((c) => c.resolve_by_value).map((c) => [c.id, (v: number) => resolveByValue(c, v)]),
);

/** Tuple-valued globals whose items are parameters of their own (`ADAM_BETAS = (0.8, 0.95)`). */
export const TUPLES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  params.filter((c) => c.tuple_of).map((c) => [c.id, c.tuple_of!]),
);

/**
 * Quantities train.py derives from others (model_dim = depth · aspect ratio, n_head = model_dim /
 * head_dim): mentioned beside one of their sources they are a consequence, not a second change.
 */
export const DERIVED: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  params.filter((c) => c.derived_from).map((c) => [c.id, c.derived_from!]),
);

/** Parameters whose values are written as multiples ("3x MLP" sets 3; "2x LR" only says "up"). */
export const MULTIPLE_VALUED: ReadonlySet<string> = new Set(params.filter((c) => c.multiple_valued).map((c) => c.id));

/** Categorical choices: slot → value → phrases. "A instead of B" and "B → A" become slot changes. */
export const CHOICES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = Object.fromEntries(
  params
    .filter((c) => c.choices)
    .map((c) => [
      c.id,
      Object.fromEntries(
        Object.entries(c.choices!)
          .map(([key, ch]) => [key, [...ch.aliases, ...ch.weak_aliases]])
          .filter(([, p]) => p.length),
      ),
    ]),
);

/** Techniques that are switched on or off rather than set: concept → phrases. */
export const FEATURES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(switches.map((c) => [c.id, phrasesOf(c)]));

/** Words that give a change its direction. `off` turns a feature off or a parameter to 0. */
export const VERBS: Readonly<Record<'up' | 'down' | 'halve' | 'double' | 'off' | 'on', readonly string[]>> = {
  up: CATALOGUE.verbs.raise,
  down: CATALOGUE.verbs.lower,
  halve: CATALOGUE.verbs.halve,
  double: CATALOGUE.verbs.double,
  off: CATALOGUE.verbs.disable,
  on: CATALOGUE.verbs.enable,
};

/** Words that are measurements or outcomes, never the knob an experiment turned. */
export const NOT_PARAMS: ReadonlySet<string> = new Set(CATALOGUE.not_params);
