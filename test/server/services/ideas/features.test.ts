// Idea features: diff normalisation, parameter changes from descriptions and diffs, their keys.
import { describe, expect, it } from 'vitest';
import { ideaFeatures, normaliseDiff, paramKeysConflict } from '../../../../server/services/ideas/features.ts';

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
    expect(keyOf('MATRIX_LR 0.04 -> 0.05', hunk(5, [], ['# a'], ['# b']))).toBe('MATRIX_LR:0.04>0.05');
  });

  it('reads hand-written diffs without hunk headers, and several files', () => {
    expect(normaliseDiff('-DEPTH = 8\n+DEPTH = 12\n')).toBe('-DEPTH=8\n+DEPTH=12');
    const twoFiles = hunk(3, [], ['A = 1'], ['A = 2']) + hunk(9, [], ['B = 1'], ['B = 3']).replace('train.py', 'prepare.py');
    expect(normaliseDiff(twoFiles)).toBe('-A=1\n+A=2\n-B=1\n+B=3');
  });
});

describe('parameter changes from a description', () => {
  it.each([
    ['MATRIX_LR 0.04 -> 0.05', 'MATRIX_LR:0.04>0.05'],
    ['matrix LR 0.04→0.05', 'MATRIX_LR:0.04>0.05'],
    ['matrix lr: 0.04 to 0.05', 'MATRIX_LR:0.04>0.05'],
    ['MATRIX_LR 0.040 -> 0.050 (Muon tolerates it)', 'MATRIX_LR:0.04>0.05'],
    ['Muon LR 0.04 → 0.05', 'MATRIX_LR:0.04>0.05'],
    ['MATRIX_LR=0.06', 'MATRIX_LR:?>0.06'],
    ['MATRIX_LR = 0.06', 'MATRIX_LR:?>0.06'],
    ['increase matrix LR from 0.04 to 0.06', 'MATRIX_LR:0.04>0.06'],
    ['raise matrix lr to 0.06 from 0.04', 'MATRIX_LR:0.04>0.06'],
    ['increase matrix_lr to 0.06', 'MATRIX_LR:up>0.06'],
    ['lower weight decay to 0.1', 'WEIGHT_DECAY:down>0.1'],
    ['reduce wd from 0.2 to 0.1', 'WEIGHT_DECAY:0.2>0.1'],
    ['decrease the unembedding LR to 0.002', 'UNEMBEDDING_LR:down>0.002'],
    ['lm head lr 0.004 -> 0.008', 'UNEMBEDDING_LR:0.004>0.008'],
    ['embed lr 1e-3 -> 0.002', 'EMBEDDING_LR:0.001>0.002'],
    ['halve total batch size', 'TOTAL_BATCH_SIZE:down>?'],
    ['double MATRIX_LR', 'MATRIX_LR:up>?'],
    ['2x LR', 'LR:up>?'],
    ['3x LR increase (matrix 0.001->0.003)', 'LR:up>?'],
    ['halve total batch size to 2^16', 'TOTAL_BATCH_SIZE:down>65536'],
    ['TOTAL_BATCH_SIZE 2**17 -> 2**16', 'TOTAL_BATCH_SIZE:131072>65536'],
    ['batch 16K->8K', 'TOTAL_BATCH_SIZE:16384>8192'],
    ['use batch_size 16', 'DEVICE_BATCH_SIZE:?>16'],
    ['shorten warmdown to 30 percent', 'WARMDOWN_RATIO:down>0.3'],
    ['decay ratio 0.5 → 0.3', 'WARMDOWN_RATIO:0.5>0.3'],
    ['warmdown=450', 'WARMDOWN_ITERS:?>450'],
    ['reduce depth from 8 to 4', 'DEPTH:8>4'],
    ['n_layer 8 -> 12', 'DEPTH:8>12'],
    ['shallower model: depth 8 → 4', 'DEPTH:8>4'],
    ['shrink MLP to 3x', 'MLP_RATIO:down>3'],
    ['MLP expansion 4x -> 3x', 'MLP_RATIO:4>3'],
    ['beta1 0.8→0.9', 'ADAM_BETA1:0.8>0.9'],
    ['adam beta1 0.9 -> 0.95', 'ADAM_BETA1:0.9>0.95'],
    ['Adam beta2 0.95->0.999', 'ADAM_BETA2:0.95>0.999'],
    ['Muon beta2 0.95->0.9', 'MUON_BETA2:0.95>0.9'],
    ['softcap 30→15', 'SOFTCAP:30>15'],
    ['remove logit softcap', 'SOFTCAP:down>0'],
    ['remove warmup', 'WARMUP_RATIO:down>0'],
    ['remove value embeddings', 'VALUE_EMBEDS:?>off'],
    ['SwiGLU instead of ReLU²', 'ACTIVATION:relu2>swiglu'],
    ['replace SwiGLU with squared ReLU', 'ACTIVATION:swiglu>relu2'],
    ['switch activation from relu^2 to GELU', 'ACTIVATION:relu2>gelu'],
    ['SiLU activation', 'ACTIVATION:?>silu'],
    ['WINDOW_PATTERN SSSL -> L', 'WINDOW_PATTERN:sssl>l'],
    ['all full-attention layers (WINDOW_PATTERN=L instead of SSSL)', 'WINDOW_PATTERN:sssl>l'],
    ['GQA with n_kv_head=2', '+GQA|N_KV_HEAD:?>2'],
    ['add gradient clipping (max norm 1.0)', 'GRAD_CLIP:?>1'],
    ['lower matrix lr to 0.03 at batch 2^13', 'MATRIX_LR:down>0.03'],
    ['halve batch size (DEVICE_BATCH_SIZE=4 TOTAL_BATCH_SIZE=2^13)', 'TOTAL_BATCH_SIZE:down>8192'],
    ['exp3: 5% warmup + warmdown 0.5->0.3 (slightly worse)', 'WARMDOWN_RATIO:0.5>0.3|WARMUP_RATIO:?>0.05'],
    ['DEPTH 12→14 (768→896 dim, 226M params)', 'DEPTH:12>14'],
    ['DEPTH 12→14 at same 768 dim (AR 64→54)', 'ASPECT_RATIO:64>54|DEPTH:12>14'],
    ['MATRIX_LR 0.03→0.04 (hypothesis: higher Muon LR): val_bpb 1.283→1.269, loss 3.1→3.0', 'MATRIX_LR:0.03>0.04'],
    ['conv kernel 15->31', '+CONV|KERNEL:15>31'],
    ['a byte-level BPE tokenizer', null],
    ['use two full attention layers', null],
    ['MATRIX_LR 0.04 -> 0.040', null],
  ])('%s → %s', (description, key) => {
    expect(keyOf(description)).toBe(key);
  });

  it('gives each change its values and direction, in a key that ignores order', () => {
    expect(ideaFeatures({ description: 'increase matrix LR from 0.04 to 0.06', diff: null }).changes).toEqual([
      { name: 'MATRIX_LR', from: '0.04', to: '0.06', direction: 'up' },
    ]);
    expect(ideaFeatures({ description: 'halve the total batch', diff: null }).changes).toEqual([
      { name: 'TOTAL_BATCH_SIZE', from: null, to: null, direction: 'down' },
    ]);
    expect(keyOf('warmup 0 -> 0.05 and warmdown 0.5 -> 0.3')).toBe(keyOf('warmdown 0.5 -> 0.3 plus warmup 0 -> 0.05'));
  });
});

describe('parameter changes from a diff', () => {
  const block = ['ASPECT_RATIO = 64', 'HEAD_DIM = 128'];

  it('pairs removed and added assignments by name; the description-only phrasing meets it', () => {
    const diff = hunk(440, block, ['MATRIX_LR = 0.04        # learning rate for matrix parameters (Muon)'], ['MATRIX_LR = 0.060']);
    expect(ideaFeatures({ description: 'try a higher Muon LR', diff }).changes).toEqual([
      { name: 'MATRIX_LR', from: '0.04', to: '0.06', direction: 'up' },
    ]);
    expect(keyOf('try a higher Muon LR', diff)).toBe(keyOf('increase matrix LR from 0.04 to 0.06'));
  });

  it('reads arithmetic, tuples item by item, and lower-case config fields', () => {
    expect(keyOf('', hunk(1, [], ['TOTAL_BATCH_SIZE = 2**19 # ~524K tokens'], ['TOTAL_BATCH_SIZE = 2 ** 18']))).toBe(
      'TOTAL_BATCH_SIZE:524288>262144',
    );
    expect(keyOf('', hunk(1, [], ['TOTAL_BATCH_SIZE = 7 * 2**15'], ['TOTAL_BATCH_SIZE = 2**18']))).toBe('TOTAL_BATCH_SIZE:229376>262144');
    expect(keyOf('', hunk(1, [], ['ADAM_BETAS = (0.8, 0.95) # Adam beta1, beta2'], ['ADAM_BETAS = (0.9, 0.95)']))).toBe(
      keyOf('beta1 0.8 -> 0.9'),
    );
    expect(keyOf('', hunk(1, [], ['    n_layer: int = 12'], ['    n_layer: int = 16']))).toBe('DEPTH:12>16');
    expect(keyOf('', hunk(1, [], ['WINDOW_PATTERN = "SSSL"'], ["WINDOW_PATTERN = 'L'"]))).toBe(keyOf('WINDOW_PATTERN SSSL -> L'));
    expect(keyOf('', hunk(1, [], ['WEIGHT_DECAY = 0.1'], ['WEIGHT_DECAY = 1e-1']))).toBeNull();
  });

  it('a diff that also edits code has no parameter key of its own: the description names the change', () => {
    const mixed = hunk(
      1,
      [],
      ['MATRIX_LR = 0.04', '    return cooldown'],
      ['MATRIX_LR = 0.05', '    return 0.5 * (1 - math.cos(math.pi * cooldown))'],
    );
    const f = ideaFeatures({ description: 'cosine warmdown plus MATRIX_LR 0.05', diff: mixed });
    expect(f.changes).toEqual([{ name: 'MATRIX_LR', from: '0.04', to: '0.05', direction: 'up' }]);
    expect(f.paramKey).toBe('MATRIX_LR:?>0.05|WARMDOWN_SHAPE:?>cosine');
    expect(keyOf('swap the activation', hunk(120, [], ['        x = F.relu(x).square()'], ['        x = F.gelu(x)']))).toBeNull();
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

describe('paramKeysConflict', () => {
  it.each([
    ['MATRIX_LR:0.04>0.06', 'MATRIX_LR:0.04>0.06', false],
    ['MATRIX_LR:?>0.06', 'MATRIX_LR:0.04>0.06', false],
    ['MATRIX_LR:up>0.06', 'MATRIX_LR:0.04>0.06', false],
    ['MATRIX_LR:up>?', 'MATRIX_LR:0.04>0.06', false],
    ['MATRIX_LR:0.04>0.05', 'MATRIX_LR:0.04>0.06', true],
    ['ADAM_BETA1:0.8>0.9', 'ADAM_BETA1:0.9>0.95', true],
    ['EMBEDDING_LR:0.6>0.8', 'UNEMBEDDING_LR:0.6>0.8', true],
    ['WARMDOWN_RATIO:0.3>0.4', 'WARMDOWN_RATIO:0.4>0.3', true],
    ['TOTAL_BATCH_SIZE:down>32768', 'TOTAL_BATCH_SIZE:up>32768', true],
    ['MATRIX_LR:down>?', 'MATRIX_LR:0.04>0.06', true],
    ['DEPTH:8>4', 'DEPTH:8>4|MATRIX_LR:?>0.03', true],
    ['+MOE|DEVICE_BATCH_SIZE:?>4', 'DEVICE_BATCH_SIZE:?>4', true],
  ])('%s vs %s → %s', (a, b, conflict) => {
    expect(paramKeysConflict(a, b)).toBe(conflict);
    expect(paramKeysConflict(b, a)).toBe(conflict);
  });
});
