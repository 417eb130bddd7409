// How two changes stand to each other (the catalogue's relate.ts): idea identity never joins
// conflicting changes, and evidence is weighed by how exactly it made the change asked about.
import { describe, expect, it } from 'vitest';
import {
  changeKey,
  changesConflict,
  evidenceWeight,
  oneChange,
  relate,
  sameValue,
  weighEvidence,
} from '../../../server/catalogue/relate.ts';
import { understand } from '../../../server/catalogue/understand.ts';
import type { Change } from '../../../server/catalogue/relate.ts';

const read = (description: string) => understand({ description, diff: null }).changes;
const none = () => null;

describe('changesConflict: one idea is one change', () => {
  it.each([
    ['MATRIX_LR 0.04 -> 0.06', 'increase matrix LR from 0.04 to 0.06', false],
    ['MATRIX_LR = 0.06', 'MATRIX_LR 0.04 -> 0.06', false],
    ['increase matrix LR', 'MATRIX_LR 0.04 -> 0.06', false],
    ['MATRIX_LR 0.04 -> 0.05', 'MATRIX_LR 0.04 -> 0.06', true],
    ['beta1 0.8→0.9', 'adam beta1 0.9 -> 0.95', true],
    ['embed lr 0.6 -> 0.8', 'lm head lr 0.6 -> 0.8', true],
    ['warmdown ratio 0.3 -> 0.4', 'warmdown ratio 0.4 -> 0.3', true],
    ['decrease matrix LR', 'MATRIX_LR 0.04 -> 0.06', true],
    ['depth 8 -> 4', 'depth 8 -> 4 and matrix lr 0.03', true],
    ['WARMDOWN_RATIO 0.4→0.0', 'warmdown ratio 0 -> 0.4', true],
    ['cut TOTAL_BATCH_SIZE from 2**14 to 2**13', 'TOTAL_BATCH_SIZE 2**19 -> 2**18', true],
    ['cut TOTAL_BATCH_SIZE from 2**14 to 2**13', 'batch 16K->8K', false],
    ['SwiGLU instead of ReLU²', 'replace SwiGLU with squared ReLU', true],
    ['remove value embeddings', 'add value embeddings', true],
    ['a byte-level BPE tokenizer', 'some words the catalogue does not know', true],
    ['some words the catalogue does not know', 'other unknown words', false],
    // Issue 20: tuple values, another part's betas, constant momentum against a slower warm-up.
    ['ADAM_BETAS (0.9,0.95)', 'ADAM_BETAS (0.95,0.999)', true],
    ['ADAM_BETAS (0.9,0.95)', 'adam betas 0.9, 0.95', false],
    ['x0_lambdas betas (0.9,0.95)', 'ADAM_BETAS (0.9,0.95)', true],
    ['constant Muon momentum', "warm Muon's momentum up more slowly", true],
    ["warm Muon's momentum up more slowly", 'longer muon momentum warmup 300 -> 500 steps', false],
    ['slower Muon momentum warmup', 'slower momentum ramp: muon momentum warmup 300 -> 600', false],
    ['Stop decaying the LR to zero; end at 10 % of peak', 'FINAL_LR_FRAC 0.0->0.1', false],
    ['smaller batch (2^18→2^16)', 'TOTAL_BATCH_SIZE 2**18 -> 2**16', false],
  ])('%s | %s → %s', (a, b, conflict) => {
    expect(changesConflict(read(a), read(b))).toBe(conflict);
    expect(changesConflict(read(b), read(a))).toBe(conflict);
  });

  it('checks a record against every change its idea holds, so a vague record bridges nothing', () => {
    const idea = [...read('increase matrix LR'), ...read('MATRIX_LR 0.04 -> 0.06')];
    expect(changesConflict(read('MATRIX_LR 0.04 -> 0.08'), idea)).toBe(true);
    expect(changesConflict(read('matrix lr 0.04→0.06 (Muon tolerates higher LR)'), idea)).toBe(false);
  });
});

describe('relate', () => {
  const c = (concept: string, action: string, from: string | null, to: string | null): Change => ({ concept, action, from, to });
  const first = (description: string) => read(description).find((x) => x.action !== 'mention')!;
  it('reads issue 20 wordings into the relations they stand in', () => {
    const slower = first("warm Muon's momentum up more slowly");
    expect(relate(slower, first('constant Muon momentum'), none)).toBe('opposite');
    expect(relate(slower, first('longer muon momentum warmup 300 -> 500 steps'), none)).toBe('compatible');
    expect(relate(first('ADAM_BETAS (0.9,0.95)'), first('ADAM_BETAS (0.95,0.999)'), none)).toBe('other_value');
    expect(relate(first('ADAM_BETAS (0.9,0.95)'), first('ADAM_BETAS = (0.9, 0.95)'), none)).toBe('same');
    expect(relate(first('Stop decaying the LR to zero; end at 10 % of peak'), first('FINAL_LR_FRAC 0.0->0.1'), none)).toBe('same');
  });
  it('raising a knob is the opposite of switching it off', () => {
    expect(relate(c('WARMUP', 'raise', null, null), c('WARMUP', 'disable', null, null), none)).toBe('opposite');
    expect(relate(c('WARMUP', 'disable', null, null), c('WARMUP', 'raise', '300', '600'), none)).toBe('opposite');
    expect(relate(c('WARMUP', 'lower', null, null), c('WARMUP', 'disable', null, null), none)).toBe('compatible');
  });
  it('moving a choice away from the value the other moves to is the other way', () => {
    const toSwiglu = c('ACTIVATION', 'set', null, 'swiglu');
    expect(relate(toSwiglu, c('ACTIVATION', 'replace', 'swiglu', null), none)).toBe('opposite'); // "Hourglass FFN replacing SwiGLU"
    expect(relate(toSwiglu, c('ACTIVATION', 'replace', 'swiglu', 'relu2'), none)).toBe('opposite'); // "ReLU² MLP instead of SwiGLU"
    expect(relate(c('ACTIVATION', 'replace', 'relu2', 'silu'), c('ACTIVATION', 'replace', 'gelu', 'relu2'), none)).toBe('opposite');
    expect(relate(toSwiglu, c('ACTIVATION', 'replace', 'relu2', 'swiglu'), none)).toBe('same');
    expect(relate(toSwiglu, c('ACTIVATION', 'replace', 'relu2', 'gelu'), none)).toBe('other_value');
    expect(oneChange(toSwiglu, c('ACTIVATION', 'replace', 'swiglu', null))).toBe(false);
  });
  it('leaving the value another change sets is the other way, for numbers too', () => {
    expect(relate(first('add a warmup of 5% of steps'), first('WARMUP_RATIO 0.05→0.02'), none)).toBe('opposite');
    expect(relate(first('WARMUP_RATIO 0.05→0.02'), first('add a warmup of 5% of steps'), none)).toBe('opposite');
    expect(relate(first('raise WARMUP_RATIO 0.02 -> 0.05'), first('WARMUP_RATIO 0.05→0.1'), none)).toBe('compatible');
  });
  it('a bound switched off is loosened without limit: removing the softcap is the other way from tightening it', () => {
    const remove = first('remove the logit softcap');
    expect(relate(remove, first('softcap 30→15'), none)).toBe('opposite');
    expect(relate(remove, first('raise the logit softcap 15 -> 30'), none)).toBe('compatible');
    expect(relate(remove, first('no logit softcap'), none)).toBe('same');
    expect(oneChange(remove, first('softcap 30→15'))).toBe(false);
    expect(relate(first('remove gradient clipping'), first('tighter grad clip 1.0 -> 0.5'), none)).toBe('opposite');
    // A knob whose off is 0 still moves down when removed.
    expect(relate(first('remove the warmup'), first('shorter warmup 0.1 -> 0.05'), none)).toBe('compatible');
  });
  it('values within the tolerance are one value; 2**14 and 16384 give one key', () => {
    expect(sameValue('0.06', '0.0600')).toBe(true);
    expect(sameValue('0.06', '0.061')).toBe(false);
    expect(changeKey(read('TOTAL_BATCH_SIZE 2**14 -> 2**13'))).toBe(changeKey(read('batch 16384 -> 8192')));
  });
});

describe('evidence weights: the exact change first', () => {
  const q = read('cut TOTAL_BATCH_SIZE from 2**14 to 2**13')[0];
  it('the same change from the same state is exact; from another state it is weak', () => {
    expect(evidenceWeight(q, read('batch 16K->8K')[0])).toEqual({ exact: true, weight: 1 });
    const far = evidenceWeight(q, read('TOTAL_BATCH_SIZE 2**19 -> 2**18')[0]);
    expect(far.exact).toBe(false);
    expect(far.weight).toBeLessThan(0.2);
    const near = evidenceWeight(q, read('TOTAL_BATCH_SIZE 2**15 -> 2**14')[0]);
    expect(near.exact).toBe(false);
    expect(near.weight).toBeGreaterThan(far.weight);
    expect(evidenceWeight(q, read('double the batch size')[0]).weight).toBe(0);
  });
  it('a query without values asks about every change of its kind', () => {
    const halve = read('halve the batch size')[0];
    expect(evidenceWeight(halve, read('TOTAL_BATCH_SIZE 2**19 -> 2**18')[0]).exact).toBe(true);
    expect(evidenceWeight(halve, read('batch 16K->8K')[0]).exact).toBe(true);
  });
  it('an idea that also changes other things is not the exact change', () => {
    expect(weighEvidence(read('depth 8 -> 4'), read('depth 8 -> 4 and matrix lr 0.04 -> 0.03'))).toEqual({ exact: false, weight: 0.5 });
    expect(weighEvidence(read('depth 8 -> 4'), read('reduce depth from 8 to 4'))).toEqual({ exact: true, weight: 1 });
    expect(weighEvidence(read('depth 8 -> 4'), read('matrix lr 0.04 -> 0.03'))).toBeNull();
  });
  it('an idea that moves the asked knob only another way is compared and weighs 0: never evidence', () => {
    // The RTX 5070 fork kept SHORT_WINDOW 1024→256, read from its diff as "set to 256": raising it
    // back to 1024 is not that change (its direction unknown, its value another).
    const kept = [{ concept: 'SHORT_WINDOW', action: 'set', from: null, to: '256' }];
    expect(weighEvidence(read('increase the sliding window back to 1024'), kept)).toEqual({ exact: false, weight: 0 });
    expect(weighEvidence(read('lower the softcap to 10'), read('raise the logit softcap 15 -> 30'))).toEqual({ exact: false, weight: 0 });
    expect(weighEvidence(read('switch the MLP activation to GELU'), read('ReLU² MLP instead of SwiGLU'))).toEqual({
      exact: false,
      weight: 0,
    });
    // Another knob altogether is not compared: retrieval's looser reading stands.
    expect(weighEvidence(read('lower the softcap to 10'), read('matrix lr 0.04 -> 0.03'))).toBeNull();
  });
});
