// The lexicon tokens.ts, describe.ts and diff.ts read, as derived from catalogue.json: parameter
// phrases, value-resolved hubs, tuples, derived and multi-valued parameters, choices, features, verbs.
import { describe, expect, it } from 'vitest';
import { CONCEPTS, resolveByValue } from '../../../server/catalogue/catalogue.ts';
import {
  CHOICES,
  DERIVED,
  FEATURES,
  MULTIPLE_VALUED,
  NOT_PARAMS,
  PARAMS,
  RESOLVE_BY_VALUE,
  TUPLES,
  VERBS,
} from '../../../server/catalogue/lexicon.ts';
import { tokenize } from '../../../server/catalogue/tokens.ts';

describe('the lexicon derived from the catalogue', () => {
  it('keeps what tokens.ts, describe.ts and diff.ts read', () => {
    expect(PARAMS.MATRIX_LR).toEqual(expect.arrayContaining(['matrix lr', 'muon lr', 'matrix_lr']));
    expect(RESOLVE_BY_VALUE.BATCH(16)).toBe('DEVICE_BATCH_SIZE');
    expect(RESOLVE_BY_VALUE.BATCH(65536)).toBe('TOTAL_BATCH_SIZE');
    expect(RESOLVE_BY_VALUE.BATCH(NaN)).toBe('TOTAL_BATCH_SIZE');
    expect(RESOLVE_BY_VALUE.WARMDOWN(450)).toBe('WARMDOWN_ITERS');
    expect(RESOLVE_BY_VALUE.WARMDOWN(1)).toBe('WARMDOWN_RATIO');
    expect(RESOLVE_BY_VALUE.WARMUP(NaN)).toBe('WARMUP_RATIO');
    expect(TUPLES.ADAM_BETAS).toEqual(['ADAM_BETA1', 'ADAM_BETA2']);
    expect(DERIVED.MODEL_DIM).toEqual(['DEPTH', 'ASPECT_RATIO']);
    expect(MULTIPLE_VALUED.has('MLP_RATIO')).toBe(true);
    expect(FEATURES.VALUE_EMBEDS).toContain('ve');
    expect(CHOICES.ACTIVATION.relu2).toContain('relu²');
    expect(CHOICES.WINDOW_PATTERN.l).toContain('full attention');
    expect(VERBS.off).toContain('remove');
    expect(NOT_PARAMS.has('val_bpb')).toBe(true);
    expect(resolveByValue(CONCEPTS.get('WARMUP')!, 300)).toBe('WARMUP_ITERS');
    // Every phrase resolves to one entry (tokens.ts throws at load otherwise).
    expect(tokenize('muon lr')).toEqual([{ kind: 'param', name: 'MATRIX_LR', ident: false }]);
  });
});
