// Which rows count as evidence, on real phrasings from ../shared/corpus/results (quoted inline): rows the
// log marks invalid, baselines without a diff and keeps or discards with no parent are excluded; rows
// that merely talk about NaN, bugs or breakage are not. And the word lists themselves, as data.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  excludedFromEvidence,
  EXCLUSION_WORDS,
  marksInvalid,
  parseExclusionWords,
  reportsDivergence,
} from '../../../server/catalogue/evidence-exclusion.ts';

const row = (description: string, over: Partial<Parameters<typeof excludedFromEvidence>[0]> = {}) =>
  excludedFromEvidence({ description, status: 'discard', parentValBpb: 1.3, valBpb: 1.31, diff: null, ...over });

describe('rows the log marks invalid', () => {
  it.each([
    // reowens__autoresearch-mlx.tsv, lines 20-21 (discards, val_bpb ~3.3).
    'reduce Muon ns_steps from 5 to 3 (TAINTED: weight tying not reverted)',
    'halve weight decay 0.2->0.1 (TAINTED: weight tying not reverted)',
    // Held-out wordings of the same kind of note.
    'INVALID: forgot to revert the depth change',
    'matrix LR 0.04 -> 0.05 (invalid run, eval used the wrong split)',
    'warmup 0 -> 100 steps; results invalid (dataloader bug)',
    'GQA n_kv_head 2 [void]',
    'halve batch — broken run, disk full mid-training',
    "softcap 15 -> 30 (don't count: ran on the shared GPU)",
  ])('%s', (d) => {
    expect(marksInvalid(d)).toBe(true);
    expect(row(d)).toBe('invalid');
    expect(row(d, { status: 'crash', valBpb: null })).toBe('invalid');
    expect(row(d, { status: 'keep' })).toBe('invalid');
  });

  it('a loss that went NaN makes a keep or discard invalid, but is a crash’s outcome', () => {
    // reowens__autoresearch-mlx.tsv, line 94 (a crash).
    const d = 'float16 weights (NaN at step 117 — squared ReLU overflows f16 max 65504)';
    expect(reportsDivergence(d)).toBe(true);
    expect(row(d, { status: 'crash', valBpb: null })).toBe(null);
    expect(row(d)).toBe('invalid');
    for (const held of ['lr 0.1 -> 0.2: loss went NaN after warmup', 'ns_steps 5 -> 2 (val_bpb nan)', 'depth 24: inf loss at step 40'])
      expect(row(held, { status: 'keep' }), held).toBe('invalid');
  });

  it.each([
    // Real rows that mention breakage, bugs, skipping or leaks without marking the run invalid.
    'constant WD (remove decay) + WARMDOWN_RATIO 0.4→0.3 — warmdown still broken',
    'WARMDOWN_RATIO 0.4→0.0 (no warmdown): loss STILL explodes ~step160 (1.5→5.0) proving instability is NOT warmdown-related but model/optimizer bug',
    'Force batch=4 (skip eager-mode autotune which wrongly picked batch=2; hypothesis: batch=4 works fine in compiled mode with flex_attention using only 8.8GB)',
    'LeakyReLU²+batch1M+mlp4x (too slow, 407 steps)',
    'U-Net skip connections with sigmoid gating (layer 0→11, 1→10, etc., init -1.5 sigmoid≈0.18)',
    'add checkpoint saving (top-5 by val_bpb, per program.md); no logic change, re-run confirms noise floor',
    'x0_init 0.05 (reduce x0 skip scalar from 0.1 to 0.05; worse quality)',
    // Changes about NaN are changes, not invalid runs.
    'fix NaN in softcap',
    'avoid NaN with eps=1e-8 in rmsnorm',
    'NaN-safe softmax in attention',
    'use torch.nan_to_num on the logits',
    'bf16 autocast, stable, no NaNs',
    'mask invalid tokens in the loss',
  ])('%s: counted', (d) => {
    expect(row(d)).toBe(null);
    expect(row(d, { status: 'keep' })).toBe(null);
  });
});

describe('baselines', () => {
  it.each([
    'baseline',
    'baseline (AdamW, default config)',
    'baseline: 9L 512d GQA-4kv tied-embed relu^2 no sliding window',
    'Mac Mini baseline with final eval batch size 64',
    'apr20 baseline (this hardware)',
    '1.5x budget baseline (1050 steps)',
    'baseline re-verify at 10min budget (mechanical run, best config + infra fixes)',
    'baseline (SwiGLU d12 ClimbMix) — BROKEN cooldown: loss 1.50→5.15 during warmdown',
  ])('%s: excluded without a diff, whatever its parent', (d) => {
    expect(row(d, { status: 'keep', parentValBpb: null })).toBe('baseline');
    expect(row(d, { status: 'keep' })).toBe('baseline');
    expect(row(d, { diff: '' })).toBe('baseline');
  });

  it('a baseline run that crashed is still a baseline (pa4uslf__autoresearch-macos.tsv)', () => {
    expect(row('baseline run exceeded 10 minutes under elevated execution', { status: 'crash', valBpb: null, parentValBpb: null })).toBe(
      'baseline',
    );
  });

  it('a "baseline" row with a diff changed something: it counts (with its parent)', () => {
    const diff = '--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-DEPTH = 8\n+DEPTH = 10\n';
    expect(row('baseline', { status: 'keep', diff })).toBe(null);
  });

  it('changes against the baseline are not baselines', () => {
    expect(row('revert to baseline LR')).toBe(null);
    expect(row('baseline + FP8 matmuls')).toBe(null);
    expect(row('MoE baseline: AR=64, batch=16, 75.5M params')).toBe('baseline');
  });
});

describe('rows without a comparable parent', () => {
  it('a keep or discard with no parent val_bpb is excluded; a crash needs none', () => {
    // ReadbytheBeach__autoresearch-dgx.tsv: a single row, status "success", nothing before it.
    expect(
      row('DGX Spark light mode training: 589 steps, loss 3.84, 300.5s, 38.6M tokens, MFU 0.30%', { status: 'keep', parentValBpb: null }),
    ).toBe('no_parent');
    expect(row('halve batch size (32K tokens) and device batch (8) for more steps', { parentValBpb: null })).toBe('no_parent');
    // reowens__autoresearch-mlx.tsv: a crash is evidence by itself.
    expect(
      row('EMA weights (decay=0.995) — load_weights KeyError on mixed list/dict tree', {
        status: 'crash',
        valBpb: null,
        parentValBpb: null,
      }),
    ).toBe(null);
    expect(row('halve batch size (32K tokens) and device batch (8) for more steps')).toBe(null);
  });

  it('invalid is reported before baseline, baseline before no parent', () => {
    expect(row('baseline (TAINTED: old data shard)', { parentValBpb: null })).toBe('invalid');
    expect(row('baseline', { parentValBpb: null })).toBe('baseline');
  });
});

describe('evidence-exclusion.json, as data', () => {
  const raw = () => JSON.parse(readFileSync(new URL('../../../server/catalogue/evidence-exclusion.json', import.meta.url), 'utf8'));

  it('loads, every list non-empty and lower-case', () => {
    for (const list of [EXCLUSION_WORDS.invalid.anywhere, EXCLUSION_WORDS.invalid.labels, EXCLUSION_WORDS.diverged.markers]) {
      expect(list.length).toBeGreaterThan(0);
      for (const p of list) expect(p).toBe(p.toLowerCase());
    }
  });

  it('rejects a phrase listed twice as stems, a multi-word label, an unknown field and upper case', () => {
    const twice = raw();
    twice.invalid.anywhere.push('tainting');
    expect(() => parseExclusionWords(twice)).toThrow(/listed twice/);
    const multi = raw();
    multi.invalid.labels.push('not valid');
    expect(() => parseExclusionWords(multi)).toThrow(/must be one word/);
    const extra = raw();
    extra.invalid.typo = [];
    expect(() => parseExclusionWords(extra)).toThrow();
    const upper = raw();
    upper.diverged.markers.push('NaN');
    expect(() => parseExclusionWords(upper)).toThrow(/lower-case/);
  });
});
