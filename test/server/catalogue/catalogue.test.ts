// The catalogue as data (mime-db style): well-formed ids and references, no phrase claimed twice,
// every example recognised as its concept through a pattern, and no pattern firing on plain text.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, CATALOGUE_VERSION, CONCEPTS, GROUPS, parseCatalogue } from '../../../server/catalogue/catalogue.ts';
import { contentTokens, glossTokens } from '../../../server/catalogue/gloss-words.ts';
import { recognize } from '../../../server/catalogue/recognize.ts';
import { phraseStems } from '../../../server/catalogue/words.ts';

const concepts = CATALOGUE.concepts;

describe('catalogue.json', () => {
  it('has unique UPPER_SNAKE ids, known groups and kinds, and a version', () => {
    expect(Number.isInteger(CATALOGUE.version)).toBe(true);
    expect(CATALOGUE_VERSION).toMatch(new RegExp(`^${CATALOGUE.version}-[0-9a-f]{12}$`));
    expect(new Set(concepts.map((c) => c.id)).size).toBe(concepts.length);
    for (const c of concepts) {
      expect(c.id).toMatch(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/);
      expect(GROUPS).toContain(c.group);
      expect(['param', 'switch']).toContain(c.kind);
      if (c.choices) expect(c.kind).toBe('param');
    }
    expect(concepts.length).toBeGreaterThan(100);
  });

  it('keeps the canonical names stored parameter keys use', () => {
    for (const id of [
      'MATRIX_LR',
      'EMBEDDING_LR',
      'UNEMBEDDING_LR',
      'SCALAR_LR',
      'LR',
      'WEIGHT_DECAY',
      'WARMDOWN_RATIO',
      'WARMUP_RATIO',
      'FINAL_LR_FRAC',
      'DEPTH',
      'ASPECT_RATIO',
      'MODEL_DIM',
      'HEAD_DIM',
      'N_HEAD',
      'N_KV_HEAD',
      'WINDOW_PATTERN',
      'SHORT_WINDOW',
      'TOTAL_BATCH_SIZE',
      'DEVICE_BATCH_SIZE',
      'GRAD_ACCUM',
      'ADAM_BETA1',
      'ADAM_BETA2',
      'MUON_BETA2',
      'MUON_MOMENTUM',
      'MUON_MOMENTUM_WARMUP',
      'NS_STEPS',
      'SOFTCAP',
      'SEQ_LEN',
      'MLP_RATIO',
      'ROPE_BASE',
      'GRAD_CLIP',
      'X0_INIT',
      'DROPOUT',
      'LABEL_SMOOTHING',
      'ACTIVATION',
      'WARMDOWN_SHAPE',
      'OPTIMIZER',
      'VALUE_EMBEDS',
      'TIED_EMBEDDINGS',
      'QK_NORM',
      'ROPE',
      'PARTIAL_ROPE',
      'GQA',
      'MQA',
      'EMA',
      'SWA',
      'Z_LOSS',
      'MTP',
      'PARALLEL_BLOCK',
      'UNET_SKIP',
      'X0_RESIDUAL',
      'RESID_LAMBDAS',
      'FP8',
      'BF16',
      'CURRICULUM',
      'WINDOW_WARMUP',
      'MOE',
      'CONV',
      'MULTI_VE',
      'NORMUON_VARIANCE',
      'CAUTIOUS_WD',
      'DEEP_SUPERVISION',
      'CHECKPOINTING',
      'COMPILE',
    ])
      expect(CONCEPTS.has(id), id).toBe(true);
    expect(Object.keys(CONCEPTS.get('ACTIVATION')!.choices!)).toEqual(
      expect.arrayContaining(['relu2', 'leaky_relu2', 'relu', 'gelu', 'silu', 'swiglu']),
    );
  });

  it('refers only to concepts it defines', () => {
    for (const c of concepts) {
      for (const ref of [c.broader, ...(c.derived_from ?? []), ...(c.tuple_of ?? []), ...(c.resolve_by_value ?? []).map((r) => r.id)])
        if (ref !== undefined) expect(CONCEPTS.has(ref), `${c.id} → ${ref}`).toBe(true);
    }
  });

  it('claims no alias, weak alias or identifier for two concepts (or two choices)', () => {
    const owners = new Map<string, string>();
    const claim = (key: string, owner: string) => {
      const prior = owners.get(key);
      expect(prior === undefined || prior === owner, `"${key}" is claimed by ${prior} and ${owner}`).toBe(true);
      owners.set(key, owner);
    };
    for (const c of concepts) {
      for (const a of [...c.aliases, ...c.weak_aliases]) claim(`alias:${phraseStems(a).join(' ')}`, c.id);
      for (const id of c.identifiers) claim(`id:${id}`, c.id);
      for (const [key, ch] of Object.entries(c.choices ?? {})) {
        for (const a of [...ch.aliases, ...ch.weak_aliases]) claim(`alias:${phraseStems(a).join(' ')}`, `${c.id}.${key}`);
        for (const id of ch.identifiers) claim(`id:${id}`, `${c.id}.${key}`);
      }
    }
    // No alias is a direction word either (tokens.ts would read it as both).
    const verbs = new Set(Object.values(CATALOGUE.verbs).flat());
    for (const key of owners.keys()) if (key.startsWith('alias:')) expect(verbs.has(key.slice(6)), key).toBe(false);
  });

  it('gives every concept (but alias hubs) examples, and nothing empty', () => {
    for (const c of concepts) {
      if (!c.resolve_by_value) expect(c.examples.length, c.id).toBeGreaterThan(0);
      expect(c.aliases.length + c.identifiers.length, c.id).toBeGreaterThan(0);
      for (const p of [...c.patterns, ...Object.values(c.choices ?? {}).flatMap((ch) => ch.patterns)])
        for (const group of p)
          for (const alt of group.split('|')) expect(phraseStems(alt).length, `${c.id}: "${group}"`).toBeGreaterThan(0);
    }
  });

  it('recognises every example as its concept, through a pattern (examples never name it)', () => {
    const misses: string[] = [];
    for (const c of concepts)
      for (const example of c.examples) {
        const found = recognize(example).filter((m) => m.concept === c.id);
        if (!found.some((m) => m.via === 'pattern')) misses.push(`${c.id}: "${example}" → ${JSON.stringify(recognize(example))}`);
      }
    expect(misses).toEqual([]);
  });

  it('fires no alias or pattern on text about other things', () => {
    const unrelated = [
      'fix a typo in the README',
      'the weather is nice today and we went for a walk',
      'refactor the logging helper to print structured output',
      'update the progress bar of the data download',
      'print tokens per second every ten steps',
      'rename variables for clarity',
      'Add a one-line smoke-test comment to train.py.',
      'bump the package version number',
      'clean up unused imports',
      'measure peak memory at the end of training',
      'move the config parsing into its own function',
      'the run crashed because the disk was full',
      'write a unit test for the tokenizer cache path',
      'reformat the code with black',
      'show the elapsed wall time in the summary block',
      'retry the download three times when the network fails',
      'keep the git history linear by rebasing',
      'use a progress bar for evaluation',
      'sort the results table by date',
      'pin the python version in the lockfile',
      'the cat sat on the mat and looked at the window',
      'record the GPU name in the log',
      'add type hints to the helper functions',
      'switch the CI runner to ubuntu',
      'open the file in binary mode',
      'our team meets every monday to plan the week',
      'increase the font size of the plots',
      'reduce the number of log lines printed',
      'the output of the script is written to stdout',
      'compare the two spreadsheets column by column',
    ];
    const fired = unrelated.map((s) => ({ s, m: recognize(s).filter((m) => m.via !== 'identifier') })).filter((x) => x.m.length);
    expect(fired).toEqual([]);
  });
});

describe('baseline markers and scope units in catalogue.json', () => {
  it("lists lower-case baseline markers once each, none of them a concept's name", () => {
    const markers = CATALOGUE.baseline_markers;
    expect(markers).toEqual(expect.arrayContaining(['baseline', 'smoke test']));
    expect(new Set(markers).size).toBe(markers.length);
    for (const m of markers) {
      expect(m, m).toBe(m.toLowerCase());
      expect(phraseStems(m).length, m).toBeGreaterThan(0);
      expect(
        recognize(m).filter((x) => x.via !== 'identifier'),
        m,
      ).toEqual([]);
    }
  });

  it('marks as scope units only parameters counted in units other changes are placed on (layers, heads)', () => {
    const units = concepts.filter((c) => c.scope_unit).map((c) => c.id);
    expect(units).toEqual(expect.arrayContaining(['DEPTH']));
    for (const id of units) expect(CONCEPTS.get(id)!.kind, id).toBe('param');
  });
});

describe('glosses in catalogue.json', () => {
  const live = (phrase: string) => contentTokens(glossTokens(phrase), () => true).length > 0;

  const reading = (phrase: string) =>
    contentTokens(glossTokens(phrase), () => true)
      .map((t) => t.stem)
      .join(' ');

  it('gives every concept a gloss of 15–60 lower-case entries, 15 distinct readings at least, each with a word that can match', () => {
    for (const c of concepts) {
      expect(new Set(c.gloss.map(reading)).size, `${c.id}: distinct readings`).toBeGreaterThanOrEqual(15);
      expect(c.gloss.length, c.id).toBeLessThanOrEqual(60);
      expect(new Set(c.gloss).size, `${c.id}: an entry twice`).toBe(c.gloss.length);
      for (const g of c.gloss) {
        expect(g, c.id).toBe(g.toLowerCase());
        expect(live(g), `${c.id}: "${g}" is only function or direction words`).toBe(true);
      }
    }
  });

  it('glosses the choices people describe without naming them', () => {
    for (const id of [
      'ACTIVATION',
      'WINDOW_PATTERN',
      'OPTIMIZER',
      'NORM_TYPE',
      'NORM_PLACEMENT',
      'WARMDOWN_SHAPE',
      'ATTN_KERNEL',
      'ORTHOGONALIZATION',
    ])
      for (const [key, ch] of Object.entries(CONCEPTS.get(id)!.choices!)) {
        expect(ch.gloss.length, `${id}.${key}`).toBeGreaterThanOrEqual(2);
        for (const g of ch.gloss) expect(live(g), `${id}.${key}: "${g}"`).toBe(true);
      }
  });

  it('keeps direction words on the kind they fit, never one phrase both ways', () => {
    for (const c of concepts) {
      // A param's off words set it to zero ("constant momentum" is no warm-up); it has no on words.
      if (c.kind === 'param') expect(c.enable_words.length, c.id).toBe(0);
      else expect(c.raise_words.length + c.lower_words.length, c.id).toBe(0);
      for (const [a, b] of [
        [c.raise_words, c.lower_words],
        [c.enable_words, c.disable_words],
      ])
        expect(
          a.filter((w) => b.includes(w)),
          c.id,
        ).toEqual([]);
    }
    const gv = CATALOGUE.gloss_verbs;
    expect(gv.raise.filter((w) => gv.lower.includes(w))).toEqual([]);
    expect(gv.enable.filter((w) => gv.disable.includes(w))).toEqual([]);
    // Direction words somewhere for the concepts changed most: "taller", "cheaper", "longer memory".
    for (const id of [
      'DEPTH',
      'MODEL_DIM',
      'TOTAL_BATCH_SIZE',
      'MATRIX_LR',
      'WARMDOWN_RATIO',
      'WEIGHT_DECAY',
      'ADAM_BETA2',
      'NS_STEPS',
      'SEQ_LEN',
      'SOFTCAP',
    ])
      expect(CONCEPTS.get(id)!.raise_words.length * CONCEPTS.get(id)!.lower_words.length, id).toBeGreaterThan(0);
    expect(CONCEPTS.get('TIED_EMBEDDINGS')!.disable_words).toContain('untie');
    expect(CONCEPTS.get('MUON_MOMENTUM_WARMUP')!.disable_words).toContain('constant');
  });
});

describe('parseCatalogue (bad input)', () => {
  const base = () => JSON.parse(JSON.stringify(CATALOGUE));
  it('refuses a lower-case id, an unknown field, a duplicate id, a dangling reference and a choice on a switch', () => {
    const lower = base();
    lower.concepts[0].id = 'matrix_lr';
    expect(() => parseCatalogue(lower)).toThrow(/UPPER_SNAKE/);
    const extra = base();
    extra.concepts[0].colour = 'blue';
    expect(() => parseCatalogue(extra)).toThrow();
    const twice = base();
    twice.concepts.push({ ...twice.concepts[0] });
    expect(() => parseCatalogue(twice)).toThrow(/listed twice/);
    const dangling = base();
    dangling.concepts[0].broader = 'NO_SUCH_THING';
    expect(() => parseCatalogue(dangling)).toThrow(/unknown concept NO_SUCH_THING/);
    const switchChoice = base();
    const sw = switchChoice.concepts.find((c: { kind: string }) => c.kind === 'switch');
    sw.choices = { a: { name: 'a' } };
    expect(() => parseCatalogue(switchChoice)).toThrow(/only a param takes choices/);
    expect(() => parseCatalogue({ version: 1 })).toThrow();
  });

  it('refuses direction words of the other kind, a gloss that is not a list of phrases, and a missing gloss_verbs', () => {
    const raiseOnSwitch = base();
    raiseOnSwitch.concepts.find((c: { kind: string }) => c.kind === 'switch').raise_words = ['taller'];
    expect(() => parseCatalogue(raiseOnSwitch)).toThrow(/a switch has enable_words/);
    const enableOnParam = base();
    enableOnParam.concepts.find((c: { kind: string }) => c.kind === 'param').enable_words = ['tie'];
    expect(() => parseCatalogue(enableOnParam)).toThrow(/a param has raise_words/);
    const offOnParam = base();
    offOnParam.concepts.find((c: { kind: string }) => c.kind === 'param').disable_words = ['constant'];
    expect(() => parseCatalogue(offOnParam)).not.toThrow();
    const badGloss = base();
    badGloss.concepts[0].gloss = 'learning rate';
    expect(() => parseCatalogue(badGloss)).toThrow();
    const emptyEntry = base();
    emptyEntry.concepts[0].gloss = ['  '];
    expect(() => parseCatalogue(emptyEntry)).toThrow();
    const noVerbs = base();
    delete noVerbs.gloss_verbs;
    expect(() => parseCatalogue(noVerbs)).toThrow();
  });

  it('refuses missing, empty, upper-case or repeated baseline markers, and a switch as a scope unit', () => {
    const none = base();
    delete none.baseline_markers;
    expect(() => parseCatalogue(none)).toThrow();
    const empty = base();
    empty.baseline_markers = [];
    expect(() => parseCatalogue(empty)).toThrow();
    const upper = base();
    upper.baseline_markers = ['Baseline'];
    expect(() => parseCatalogue(upper)).toThrow(/lower-case words/);
    const twice = base();
    twice.baseline_markers = ['baseline', 'smoke test', 'baseline'];
    expect(() => parseCatalogue(twice)).toThrow(/"baseline" listed twice/);
    const unit = base();
    unit.concepts.find((c: { kind: string }) => c.kind === 'switch').scope_unit = true;
    expect(() => parseCatalogue(unit)).toThrow(/only a param is a scope unit/);
  });
});
