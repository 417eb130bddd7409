// Idea features: diff normalisation, parameter changes from descriptions and diffs, their keys.
import { describe, expect, it } from 'vitest';
import { ideaFeatures, normaliseDiff } from '../../../../server/services/ideas/features.ts';

const hunk = (at: number, before: string[], removed: string[], added: string[], after: string[] = []) =>
  [
    '--- a/train.py',
    '+++ b/train.py',
    `@@ -${at},${before.length + removed.length + after.length} +${at},${before.length + added.length + after.length} @@`,
    ...before.map((l) => ` ${l}`),
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...after.map((l) => ` ${l}`),
  ].join('\n') + '\n';

const keyOf = (description: string, diff: string | null = null) => ideaFeatures({ description, diff }).paramKey;

describe('normaliseDiff', () => {
  it('keeps only the changed lines, so one edit is one string wherever it sits', () => {
    const a = hunk(
      437,
      ['UNEMBEDDING_LR = 0.004  # lm_head'],
      ['MATRIX_LR = 0.04        # learning rate for matrix parameters (Muon)'],
      ['MATRIX_LR = 0.06        # learning rate for matrix parameters (Muon)'],
      ['SCALAR_LR = 0.5'],
    );
    const b = hunk(12, ['# hyperparameters'], ['MATRIX_LR=0.04'], ['MATRIX_LR  =  0.06   # tuned'], ['BATCH = 8', 'DEPTH = 4']);
    expect(normaliseDiff(a)).toBe('-MATRIX_LR=0.04\n+MATRIX_LR=0.06');
    expect(normaliseDiff(b)).toBe(normaliseDiff(a));
    expect(ideaFeatures({ description: 'x', diff: a }).diffKey).toMatch(/^[0-9a-f]{64}$/);
    expect(ideaFeatures({ description: 'y', diff: b }).diffKey).toBe(ideaFeatures({ description: 'x', diff: a }).diffKey);
  });

  it('drops file and hunk headers, blank and comment-only lines, and lines removed and added back unchanged', () => {
    const diff = [
      'diff --git a/train.py b/train.py',
      'index 3b18e51..a9c3f27 100644',
      '--- a/train.py',
      '+++ b/train.py',
      '@@ -120,5 +120,6 @@ class MLP(nn.Module):',
      '     def forward(self, x):',
      '-        x = F.relu(x).square()  # relu^2',
      '+        # smoother activation',
      '+        x = F.gelu(x)',
      '+',
      '-        x = self.c_proj(x)',
      '+        x = self.c_proj(x)   # unchanged but for this comment',
    ].join('\n');
    expect(normaliseDiff(diff)).toBe('-x=F.relu(x).square()\n+x=F.gelu(x)');
  });

  it('is null without changed lines; a comment-only edit has no key of its own', () => {
    expect(normaliseDiff('')).toBeNull();
    expect(normaliseDiff(hunk(5, [], ['MATRIX_LR = 0.04  # old note'], ['MATRIX_LR = 0.04  # new note']))).toBeNull();
    expect(ideaFeatures({ description: 'MATRIX_LR 0.04 -> 0.05', diff: null }).diffKey).toBeNull();
    // With no real change in the diff, the description speaks for the record.
    expect(keyOf('MATRIX_LR 0.04 -> 0.05', hunk(5, [], ['# a'], ['# b']))).toBe('MATRIX_LR:raise:0.04>0.05');
  });

  it('reads hand-written diffs without hunk headers, and several files', () => {
    expect(normaliseDiff('-DEPTH = 8\n+DEPTH = 12\n')).toBe('-DEPTH=8\n+DEPTH=12');
    const twoFiles = hunk(3, [], ['A = 1'], ['A = 2']) + hunk(9, [], ['B = 1'], ['B = 3']).replace('train.py', 'prepare.py');
    expect(normaliseDiff(twoFiles)).toBe('-A=1\n+A=2\n-B=1\n+B=3');
  });
});

describe('change keys from a description', () => {
  it.each([
    ['MATRIX_LR 0.04 -> 0.05', 'MATRIX_LR:raise:0.04>0.05'],
    ['matrix LR 0.04→0.05', 'MATRIX_LR:raise:0.04>0.05'],
    ['matrix lr: 0.04 to 0.05', 'MATRIX_LR:raise:0.04>0.05'],
    ['MATRIX_LR 0.040 -> 0.050 (Muon tolerates it)', 'MATRIX_LR:raise:0.04>0.05'],
    ['Muon LR 0.04 → 0.05', 'MATRIX_LR:raise:0.04>0.05'],
    ['MATRIX_LR=0.06', 'MATRIX_LR:set:?>0.06'],
    ['MATRIX_LR = 0.06', 'MATRIX_LR:set:?>0.06'],
    ['increase matrix LR from 0.04 to 0.06', 'MATRIX_LR:raise:0.04>0.06'],
    ['raise matrix lr to 0.06 from 0.04', 'MATRIX_LR:raise:0.04>0.06'],
    ['increase matrix_lr to 0.06', 'MATRIX_LR:raise:?>0.06'],
    ['lower weight decay to 0.1', 'WEIGHT_DECAY:lower:?>0.1'],
    ['reduce wd from 0.2 to 0.1', 'WEIGHT_DECAY:lower:0.2>0.1'],
    ['decrease the unembedding LR to 0.002', 'UNEMBEDDING_LR:lower:?>0.002'],
    ['lm head lr 0.004 -> 0.008', 'UNEMBEDDING_LR:raise:0.004>0.008'],
    ['embed lr 1e-3 -> 0.002', 'EMBEDDING_LR:raise:0.001>0.002'],
    ['halve total batch size', 'TOTAL_BATCH_SIZE:lower:?>?'],
    ['double MATRIX_LR', 'MATRIX_LR:raise:?>?'],
    ['2x LR', 'LR:raise:?>?'],
    ['3x LR increase (matrix 0.001->0.003)', 'LR:raise:?>?'],
    ['halve total batch size to 2^16', 'TOTAL_BATCH_SIZE:lower:?>65536'],
    ['TOTAL_BATCH_SIZE 2**17 -> 2**16', 'TOTAL_BATCH_SIZE:lower:131072>65536'],
    ['batch 16K->8K', 'TOTAL_BATCH_SIZE:lower:16384>8192'],
    ['use batch_size 16', 'DEVICE_BATCH_SIZE:set:?>16'],
    ['shorten warmdown to 30 percent', 'WARMDOWN_RATIO:lower:?>0.3'],
    ['decay ratio 0.5 → 0.3', 'WARMDOWN_RATIO:lower:0.5>0.3'],
    ['warmdown=450', 'WARMDOWN_ITERS:set:?>450'],
    ['reduce depth from 8 to 4', 'DEPTH:lower:8>4'],
    ['n_layer 8 -> 12', 'DEPTH:raise:8>12'],
    ['shallower model: depth 8 → 4', 'DEPTH:lower:8>4'],
    ['shrink MLP to 3x', 'MLP_RATIO:lower:?>3'],
    ['MLP expansion 4x -> 3x', 'MLP_RATIO:lower:4>3'],
    ['beta1 0.8→0.9', 'ADAM_BETA1:raise:0.8>0.9'],
    ['adam beta1 0.9 -> 0.95', 'ADAM_BETA1:raise:0.9>0.95'],
    ['Adam beta2 0.95->0.999', 'ADAM_BETA2:raise:0.95>0.999'],
    ['Muon beta2 0.95->0.9', 'MUON_BETA2:lower:0.95>0.9'],
    ['softcap 30→15', 'SOFTCAP:lower:30>15'],
    ['remove logit softcap', 'SOFTCAP:disable:?>?'],
    ['remove warmup', 'WARMUP_RATIO:disable:?>?'],
    ['remove value embeddings', 'VALUE_EMBEDS:disable:?>?'],
    ['SwiGLU instead of ReLU²', 'ACTIVATION:replace:relu2>swiglu'],
    ['replace SwiGLU with squared ReLU', 'ACTIVATION:replace:swiglu>relu2'],
    ['switch activation from relu^2 to GELU', 'ACTIVATION:replace:relu2>gelu'],
    ['SiLU activation', 'ACTIVATION:set:?>silu'],
    ['WINDOW_PATTERN SSSL -> L', 'WINDOW_PATTERN:replace:sssl>l'],
    ['all full-attention layers (WINDOW_PATTERN=L instead of SSSL)', 'WINDOW_PATTERN:replace:sssl>l'],
    ['GQA with n_kv_head=2', 'GQA:enable:?>?|N_KV_HEAD:set:?>2'],
    ['add gradient clipping (max norm 1.0)', 'GRAD_CLIP:set:?>1'],
    ['lower matrix lr to 0.03 at batch 2^13', 'MATRIX_LR:lower:?>0.03'],
    ['halve batch size (DEVICE_BATCH_SIZE=4 TOTAL_BATCH_SIZE=2^13)', 'TOTAL_BATCH_SIZE:lower:?>8192'],
    ['exp3: 5% warmup + warmdown 0.5->0.3 (slightly worse)', 'WARMDOWN_RATIO:lower:0.5>0.3|WARMUP_RATIO:set:?>0.05'],
    ['DEPTH 12→14 (768→896 dim, 226M params)', 'DEPTH:raise:12>14'],
    ['DEPTH 12→14 at same 768 dim (AR 64→54)', 'ASPECT_RATIO:lower:64>54|DEPTH:raise:12>14'],
    ['MATRIX_LR 0.03→0.04 (hypothesis: higher Muon LR): val_bpb 1.283→1.269, loss 3.1→3.0', 'MATRIX_LR:raise:0.03>0.04'],
    ['conv kernel 15->31', 'CONV:enable:?>?|KERNEL_SIZE:raise:15>31'],
    ['a byte-level BPE tokenizer', 'TOKENIZER:enable:?>?'],
    ['use two full attention layers', null],
  ])('%s → %s', (description, key) => {
    expect(keyOf(description)).toBe(key);
  });

  it('gives each change its values and direction, in a key that ignores order', () => {
    expect(ideaFeatures({ description: 'increase matrix LR from 0.04 to 0.06', diff: null }).changes).toEqual([
      { concept: 'MATRIX_LR', action: 'raise', from: '0.04', to: '0.06' },
    ]);
    expect(ideaFeatures({ description: 'halve the total batch', diff: null }).changes).toEqual([
      { concept: 'TOTAL_BATCH_SIZE', action: 'lower', from: null, to: null },
    ]);
    expect(keyOf('warmup 0 -> 0.05 and warmdown 0.5 -> 0.3')).toBe(keyOf('warmdown 0.5 -> 0.3 plus warmup 0 -> 0.05'));
  });
});

describe('parameter changes from a diff', () => {
  const block = ['ASPECT_RATIO = 64', 'HEAD_DIM = 128'];

  it('pairs removed and added assignments by name; the description-only phrasing meets it', () => {
    const diff = hunk(440, block, ['MATRIX_LR = 0.04        # learning rate for matrix parameters (Muon)'], ['MATRIX_LR = 0.060']);
    expect(ideaFeatures({ description: 'try a higher Muon LR', diff }).changes).toEqual([
      { concept: 'MATRIX_LR', action: 'raise', from: '0.04', to: '0.06' },
    ]);
    expect(keyOf('try a higher Muon LR', diff)).toBe(keyOf('increase matrix LR from 0.04 to 0.06'));
  });

  it('reads arithmetic, tuples item by item, and lower-case config fields', () => {
    expect(keyOf('', hunk(1, [], ['TOTAL_BATCH_SIZE = 2**19 # ~524K tokens'], ['TOTAL_BATCH_SIZE = 2 ** 18']))).toBe(
      'TOTAL_BATCH_SIZE:lower:524288>262144',
    );
    expect(keyOf('', hunk(1, [], ['TOTAL_BATCH_SIZE = 7 * 2**15'], ['TOTAL_BATCH_SIZE = 2**18']))).toBe(
      'TOTAL_BATCH_SIZE:raise:229376>262144',
    );
    expect(keyOf('', hunk(1, [], ['ADAM_BETAS = (0.8, 0.95) # Adam beta1, beta2'], ['ADAM_BETAS = (0.9, 0.95)']))).toBe(
      keyOf('beta1 0.8 -> 0.9'),
    );
    expect(keyOf('', hunk(1, [], ['    n_layer: int = 12'], ['    n_layer: int = 16']))).toBe('DEPTH:raise:12>16');
    expect(keyOf('', hunk(1, [], ['WINDOW_PATTERN = "SSSL"'], ["WINDOW_PATTERN = 'L'"]))).toBe(keyOf('WINDOW_PATTERN SSSL -> L'));
    expect(keyOf('', hunk(1, [], ['WEIGHT_DECAY = 0.1'], ['WEIGHT_DECAY = 1e-1']))).toBeNull();
  });

  it('a diff that also edits code: its key is every change read in the diff and the description', () => {
    const mixed = hunk(
      1,
      [],
      ['MATRIX_LR = 0.04', '    return cooldown'],
      ['MATRIX_LR = 0.05', '    return 0.5 * (1 - math.cos(math.pi * cooldown))'],
    );
    const f = ideaFeatures({ description: 'cosine warmdown plus MATRIX_LR 0.05', diff: mixed });
    expect(f.changes).toEqual([
      { concept: 'MATRIX_LR', action: 'raise', from: '0.04', to: '0.05' },
      { concept: 'WARMDOWN_SHAPE', action: 'set', from: null, to: 'cosine' },
    ]);
    expect(f.paramKey).toBe('MATRIX_LR:raise:0.04>0.05|WARMDOWN_SHAPE:set:?>cosine');
    // The code it edits is read too: relu² → GELU.
    expect(keyOf('swap the activation', hunk(120, [], ['        x = F.relu(x).square()'], ['        x = F.gelu(x)']))).toBe(
      'ACTIVATION:replace:relu2>gelu',
    );
  });

  it('bounds the text to embed: the description first, then the changed lines', () => {
    const long = hunk(
      1,
      [],
      Array.from({ length: 300 }, (_, i) => `X${i} = ${i}`),
      Array.from({ length: 300 }, (_, i) => `X${i} = ${i + 1}`),
    );
    const { text } = ideaFeatures({ description: `raise everything ${'very '.repeat(400)}`, diff: long });
    expect(text.length).toBeLessThanOrEqual(2000);
    expect(text.split('\n')[0]).toMatch(/^raise everything very/);
    expect(text.split('\n')[1]).toBe('-X0=0');
  });
});
