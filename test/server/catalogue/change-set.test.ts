// ChangeSet: one change per concept (the first informative reading wins, a mention gives way,
// readings of one action complete each other, derived quantities become mentions), and the
// mapping of describe.ts / diff.ts parameter changes to catalogue changes.
import { describe, expect, it } from 'vitest';
import { ChangeSet, conceptOf, fromParamChange, qualifiedVariants } from '../../../server/catalogue/change-set.ts';

describe('ChangeSet', () => {
  it('keeps the first informative reading, completed by later ones of the same action', () => {
    const set = new ChangeSet();
    set.offer({ concept: 'DEPTH', action: 'mention', from: null, to: null });
    expect(set.has('DEPTH')).toBe(false);
    set.offer({ concept: 'DEPTH', action: 'raise', from: '8', to: null });
    set.offer({ concept: 'DEPTH', action: 'raise', from: null, to: '10' });
    set.offer({ concept: 'DEPTH', action: 'lower', from: '8', to: '6' });
    expect(set.list()).toEqual([{ concept: 'DEPTH', action: 'raise', from: '8', to: '10' }]);
    expect(set.has('DEPTH')).toBe(true);
    expect(set.has('MATRIX_LR')).toBe(false);
    expect(set.get('MATRIX_LR')).toBeUndefined();
  });

  it('lets force and refine replace what was offered', () => {
    const set = new ChangeSet();
    set.offer({ concept: 'ACTIVATION', action: 'set', from: null, to: 'swiglu' });
    set.refine({ concept: 'ACTIVATION', action: 'replace', from: 'relu2', to: 'swiglu' });
    expect(set.get('ACTIVATION')).toEqual({ concept: 'ACTIVATION', action: 'replace', from: 'relu2', to: 'swiglu' });
    set.force({ concept: 'ACTIVATION', action: 'mention', from: null, to: null });
    expect(set.has('ACTIVATION')).toBe(false);
  });

  it('lets the words name the knob a bare code keyword stood for, with the same values or none', () => {
    const lower = { action: 'lower' as const, from: '0.95', to: '0.9' };
    const read = (...words: Parameters<ChangeSet['offer']>[0][]) => {
      const set = new ChangeSet();
      set.offer({ concept: 'ADAM_BETA2', ...lower }, qualifiedVariants('beta2', 'ADAM_BETA2'));
      for (const w of words) set.offer(w);
      return set.list();
    };
    expect(read({ concept: 'MUON_BETA2', ...lower })).toEqual([{ concept: 'MUON_BETA2', ...lower }]);
    expect(read({ concept: 'MUON_BETA2', action: 'mention', from: null, to: null })).toEqual([{ concept: 'MUON_BETA2', ...lower }]);
    // Other values are another change; a knob the keyword cannot stand for changes nothing.
    expect(read({ concept: 'MUON_BETA2', action: 'lower', from: '0.95', to: '0.85' }).map((c) => c.concept)).toEqual([
      'ADAM_BETA2',
      'MUON_BETA2',
    ]);
    expect(read({ concept: 'MATRIX_LR', action: 'mention', from: null, to: null }).map((c) => c.concept)).toEqual([
      'ADAM_BETA2',
      'MATRIX_LR',
    ]);
    expect([...qualifiedVariants('beta2', 'ADAM_BETA2')]).toEqual(['MUON_BETA2']);
  });

  it('lists a quantity derived from a changed one as a mention', () => {
    const set = new ChangeSet();
    set.offer({ concept: 'MODEL_DIM', action: 'raise', from: null, to: null });
    set.offer({ concept: 'DEPTH', action: 'raise', from: null, to: null });
    expect(set.list()).toEqual([
      { concept: 'MODEL_DIM', action: 'mention', from: null, to: null },
      { concept: 'DEPTH', action: 'raise', from: null, to: null },
    ]);
  });
});

describe('conceptOf and fromParamChange', () => {
  it('maps identifiers to concepts, and leaves unknown names as they are', () => {
    expect(conceptOf('matrix_lr')).toBe('MATRIX_LR');
    expect(conceptOf('n_layer')).toBe('DEPTH');
    expect(conceptOf('NO_SUCH_KNOB')).toBe('NO_SUCH_KNOB');
  });

  it('reads switches, choices and numbers, and refuses words as numeric values', () => {
    expect(fromParamChange({ name: 'MATRIX_LR', from: '0.04', to: '0.06', direction: 'up' }, false)).toEqual({
      concept: 'MATRIX_LR',
      action: 'raise',
      from: '0.04',
      to: '0.06',
    });
    expect(fromParamChange({ name: 'USE_FP8', from: null, to: 'false', direction: 'set' }, false)).toMatchObject({
      concept: 'FP8',
      action: 'disable',
    });
    expect(fromParamChange({ name: 'ACTIVATION', from: 'relu2', to: 'swiglu', direction: 'set' }, false)).toEqual({
      concept: 'ACTIVATION',
      action: 'replace',
      from: 'relu2',
      to: 'swiglu',
    });
    expect(fromParamChange({ name: 'DEPTH', from: null, to: 'sssl', direction: 'set' }, false).action).toBe('mention');
    expect(fromParamChange({ name: 'DEPTH', from: '8', to: null, direction: 'set' }, true).action).toBe('disable');
  });
});
