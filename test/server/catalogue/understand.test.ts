// understand(): records and queries in varied wording (plain, paraphrased, questions, plans,
// with diffs) → their changes (concept, action, from, to); rationale and outcomes change nothing.
import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_VERSION,
  conceptInfo,
  expansionTerms,
  narrowerConcepts,
  understand,
  type Change,
} from '../../../server/catalogue/understand.ts';
import { changesOf } from '../../helpers/readings.ts';

const hunk = (removed: string[], added: string[]) =>
  [
    '--- a/train.py',
    '+++ b/train.py',
    `@@ -10,${removed.length + 1} +10,${added.length + 1} @@`,
    ' # context',
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
  ].join('\n') + '\n';

const CASES: [string, string | null, string[]][] = [
  // Plain values and directions, as the logs write them.
  ['MATRIX_LR 0.04 -> 0.05', null, ['MATRIX_LR raise 0.04>0.05']],
  ['increase matrix LR from 0.04 to 0.06', null, ['MATRIX_LR raise 0.04>0.06']],
  ['Muon LR 0.04 → 0.02', null, ['MATRIX_LR lower 0.04>0.02']],
  ['set matrix lr to 0.035', null, ['MATRIX_LR set >0.035']],
  ['lower weight decay to 0.1', null, ['WEIGHT_DECAY lower >0.1']],
  ['halve total batch size to 2^16', null, ['TOTAL_BATCH_SIZE lower >65536']],
  ['halve the batch size', null, ['TOTAL_BATCH_SIZE lower']],
  ['double MATRIX_LR', null, ['MATRIX_LR raise']],
  ['use batch_size 16', null, ['DEVICE_BATCH_SIZE set >16']],
  ['batch 16K->8K', null, ['TOTAL_BATCH_SIZE lower 16384>8192']],
  ['warmdown=450', null, ['WARMDOWN_ITERS set >450']],
  ['shorten warmdown to 30 percent', null, ['WARMDOWN_RATIO lower >0.3']],
  ['n_layer 8 -> 12', null, ['DEPTH raise 8>12']],
  ['MLP expansion 4x -> 3x', null, ['MLP_RATIO lower 4>3']],
  ['beta1 0.8→0.9', null, ['ADAM_BETA1 raise 0.8>0.9']],
  ['Adam beta2 0.95->0.999', null, ['ADAM_BETA2 raise 0.95>0.999']],
  ['Muon beta2 0.95->0.9', null, ['MUON_BETA2 lower 0.95>0.9']],
  ['softcap 30→15', null, ['SOFTCAP lower 30>15']],
  ['RoPE base frequency 10000 -> 50000', null, ['ROPE_BASE raise 10000>50000']],
  ['reduce Muon ns_steps from 5 to 3', null, ['NS_STEPS lower 5>3']],
  ['shorten momentum warmup 300->50 steps', null, ['MUON_MOMENTUM_WARMUP lower 300>50']],
  ['FINAL_LR_FRAC 0.0→0.1', null, ['FINAL_LR_FRAC raise 0>0.1']],
  ['x0_init 0.05', null, ['X0_INIT set >0.05']],
  ['label smoothing 0.1', null, ['LABEL_SMOOTHING set >0.1']],
  ['residual dropout 0.05', null, ['DROPOUT set >0.05']],
  ['EMA decay=0.99', null, ['EMA_DECAY set >0.99']],
  ['D_STATE 64->128', null, ['SSM_STATE_DIM raise 64>128']],
  ['EXPAND 2->1', null, ['SSM_EXPAND lower 2>1']],
  ['conv kernel 15->31', null, ['CONV enable', 'KERNEL_SIZE raise 15>31']],
  ['AUTOTUNE_MAX_MEMORY_FRACTION 0.90→0.98', null, ['AUTOTUNE_MAX_MEMORY_FRACTION raise 0.9>0.98']],
  ['Pad vocab 50257→50304 for full FP8 coverage on lm_head', null, ['VOCAB_SIZE raise 50257>50304']],
  ['delay LR warmdown from 50% of run to final 20%', null, ['WARMDOWN_RATIO lower 0.5>0.2']],
  ['keep LR floor at 10% during final warmdown', null, ['FINAL_LR_FRAC set >0.1']],
  // Rationale and outcome never add changes.
  [
    'MATRIX_LR 0.03→0.04 (hypothesis: higher Muon LR for faster convergence): val_bpb 1.283→1.269, loss 3.1→3.0',
    null,
    ['MATRIX_LR raise 0.03>0.04'],
  ],
  ['WEIGHT_DECAY 0.2→0.1 — val_bpb 1.28→1.27 WORSE, softcap 15 was fine', null, ['WEIGHT_DECAY lower 0.2>0.1']],
  ['z-loss regularization (hypothesis: PaLM uses it; it is redundant with softcap=30)', null, ['Z_LOSS enable']],
  // Choices: replace A with B, B instead of A, A → B, just B.
  ['SwiGLU instead of ReLU²', null, ['ACTIVATION replace relu2>swiglu']],
  ['replace SwiGLU with squared ReLU', null, ['ACTIVATION replace swiglu>relu2']],
  ['switch activation from relu^2 to GELU', null, ['ACTIVATION replace relu2>gelu']],
  ['MLP activation ReLU^2 -> SiLU', null, ['ACTIVATION replace relu2>silu']],
  ['use SwiGLU MLP', null, ['ACTIVATION set >swiglu']],
  ['LeakyReLU² activation', null, ['ACTIVATION set >leaky_relu2']],
  ['GELU activation instead of squared ReLU (much worse)', null, ['ACTIVATION replace relu2>gelu']],
  ['cosine warmdown schedule (replace linear decay)', null, ['WARMDOWN_SHAPE replace linear>cosine']],
  ['WSD LR schedule: warmup 5% + stable 80%', null, ['WARMDOWN_SHAPE set >wsd']],
  ['WINDOW_PATTERN SSSL -> L', null, ['WINDOW_PATTERN replace sssl>l']],
  ['all full-attention layers (WINDOW_PATTERN=L instead of SSSL)', null, ['WINDOW_PATTERN replace sssl>l']],
  ['SL window pattern (alternating sliding/long attention)', null, ['WINDOW_PATTERN set >sl']],
  ['LZMA9 instead of zlib', null, ['COMPRESSION replace zlib>lzma']],
  ['LayerNorm instead of RMSNorm', null, ['NORM_TYPE replace rmsnorm>layernorm']],
  ['switch to FlexAttention', null, ['ATTN_KERNEL set >flex']],
  ['Muon optimizer for 2D matrix weights', null, ['OPTIMIZER set >muon']],
  ['Hourglass FFN replacing SwiGLU', null, ['ACTIVATION replace swiglu>']],
  ['use two full attention layers', null, []],
  // Switches: add / use / try / a bare mention → enable; remove / no / without / drop / disable → disable.
  ['remove value embeddings', null, ['VALUE_EMBEDS disable']],
  ['disable value embeddings', null, ['VALUE_EMBEDS disable']],
  ['remove value embeds, use x0', null, ['VALUE_EMBEDS disable', 'X0_RESIDUAL enable']],
  ['weight tying', null, ['TIED_EMBEDDINGS enable']],
  ['add z-loss', null, ['Z_LOSS enable']],
  ['try EMA of the weights', null, ['EMA enable']],
  ['no QK norm', null, ['QK_NORM disable']],
  ['train without rotary embeddings', null, ['ROPE disable']],
  ['drop the U-Net skips', null, ['UNET_SKIP disable']],
  ['GQA with n_kv_head=2', null, ['GQA enable', 'N_KV_HEAD set >2']],
  ['depth 6 with GQA (ASPECT_RATIO=42 keeps model_dim=256)', null, ['DEPTH set >6']],
  ['FP8 training via torchao convert_to_float8_training', null, ['FP8 enable']],
  ['compile mode=reduce-overhead for CUDA graphs', null, ['COMPILE enable', 'CUDA_GRAPHS enable']],
  ['use batch_size 16 without checkpointing', null, ['CHECKPOINTING disable', 'DEVICE_BATCH_SIZE set >16']],
  ['disable autotune, batch=16', null, ['AUTOTUNE disable', 'DEVICE_BATCH_SIZE set >16']],
  ['XSA last-4 only (no LN Scale no Partial RoPE)', null, ['LN_SCALE disable', 'PARTIAL_ROPE disable', 'XSA enable']],
  ['multi-token prediction (2nd-next token aux head weight 0.3)', null, ['MTP enable']],
  ['seq len curriculum 512->2048', null, ['CURRICULUM enable']],
  ['remove logit softcap', null, ['SOFTCAP disable']],
  ['remove warmup (WARMUP_RATIO=0; zero-init makes warmup unnecessary)', null, ['WARMUP_RATIO disable']],
  ['add gradient clipping', null, ['GRAD_CLIP enable']],
  ['add gradient clipping (max norm 1.0)', null, ['GRAD_CLIP set >1']],
  // Paraphrases that never use the logs' words.
  ['share the input embedding matrix with the output projection', null, ['TIED_EMBEDDINGS enable']],
  ['reuse wte as lm_head', null, ['TIED_EMBEDDINGS enable']],
  ['one matrix for token in and token out', null, ['TIED_EMBEDDINGS enable']],
  ['raise the step size used for the 2-D hidden matrices', null, ['MATRIX_LR raise']],
  ['learning rate of the 2D hidden matrices from 0.04 to 0.05', null, ['MATRIX_LR raise 0.04>0.05']],
  ['lower the learning rate of the token lookup table', null, ['EMBEDDING_LR lower']],
  ['double the learning rate of the readout layer', null, ['UNEMBEDDING_LR raise']],
  ['a bigger feed-forward block', null, ['MLP_RATIO raise']],
  ['make the network deeper', null, ['DEPTH raise']],
  ['a shallower model', null, ['DEPTH lower']],
  ['fewer key/value heads than query heads', null, ['N_KV_HEAD lower']],
  ['normalize queries and keys before the dot product', null, ['QK_NORM enable']],
  ['add a tanh squash on the output logits', null, ['SOFTCAP enable']],
  ['squash the output logits through a tanh', null, []],
  ['taper the learning rate toward zero over the last 30% of the run', null, ['WARMDOWN_RATIO set >0.3']],
  ['let the learning rate bottom out at 10% of its peak instead of zero', null, ['FINAL_LR_FRAC raise 0>0.1']], // "instead of zero" is where it came from
  ['keep a longer moving average of the gradients in the orthogonalized optimizer', null, ['MUON_MOMENTUM raise']],
  ['fewer orthogonalisation rounds per update', null, ['NS_STEPS lower']],
  ['route each token to one of several MLPs', null, ['MOE enable']],
  ['randomize the order of the training documents', null, ['DATA_SHUFFLE enable']],
  ['recompute the MLP activations in the backward pass instead of storing them', null, ['CHECKPOINTING enable']],
  ['train on longer sequences', null, ['SEQ_LEN raise']],
  ['average snapshots taken during the final steps', null, ['SWA enable']],
  // A slowly updated copy that is evaluated is an EMA, not training during evaluation.
  ['evaluate the slowly updated shadow weights instead of the live ones', null, ['EMA enable']],
  ['keep fine-tuning on the validation stream at test time', null, ['TEST_TIME_TRAINING enable']],
  // Questions and plans.
  ['does tying the embeddings help?', null, ['TIED_EMBEDDINGS enable']],
  ['I want to try making the model deeper', null, ['DEPTH raise']],
  ['has anyone tried a cosine schedule?', null, ['WARMDOWN_SHAPE set >cosine']],
  ['would halving the batch size help on a 4090?', null, ['TOTAL_BATCH_SIZE lower']],
  ['is a smaller learning rate for the embeddings worth trying?', null, ['EMBEDDING_LR lower']],
  ['what happens if we remove the value embeddings?', null, ['VALUE_EMBEDS disable']],
  ['planning to swap the activation', null, ['ACTIVATION replace']],
  // Diffs: assignments, code of choices and switches.
  [
    'try a higher Muon LR',
    hunk(['MATRIX_LR = 0.04        # learning rate for matrix parameters (Muon)'], ['MATRIX_LR = 0.06']),
    ['MATRIX_LR raise 0.04>0.06'],
  ],
  ['', hunk(['ADAM_BETAS = (0.8, 0.95)'], ['ADAM_BETAS = (0.9, 0.95)']), ['ADAM_BETA1 raise 0.8>0.9']],
  ['', hunk(['TOTAL_BATCH_SIZE = 2**19'], ['TOTAL_BATCH_SIZE = 2**18']), ['TOTAL_BATCH_SIZE lower 524288>262144']],
  ['', hunk(['    n_layer: int = 12'], ['    n_layer: int = 16']), ['DEPTH raise 12>16']],
  ['', hunk(['WINDOW_PATTERN = "SSSL"'], ['WINDOW_PATTERN = "L"']), ['WINDOW_PATTERN replace sssl>l']],
  ['swap the activation', hunk(['        x = F.relu(x).square()'], ['        x = F.gelu(x)']), ['ACTIVATION replace relu2>gelu']],
  [
    '',
    hunk(
      ['        return self.c_proj(F.relu(self.c_fc(x)).square())'],
      ['        return self.c_proj(F.silu(self.c_gate(x)) * self.c_fc(x))'],
    ),
    ['ACTIVATION replace relu2>swiglu'],
  ],
  ['tie the embeddings', hunk([], ['        self.lm_head.weight = self.transformer.wte.weight']), ['TIED_EMBEDDINGS enable']],
  // A switch the diff uses before and after was edited, not switched on, whatever the words say (RTX 5070 fork, line 39).
  [
    'FP8 tensorwise recipe via Float8LinearConfig.from_recipe_name',
    hunk(
      ['    convert_to_float8_training(model, module_filter_fn=fp8_filter)'],
      ['    convert_to_float8_training(model, config=Float8LinearConfig.from_recipe_name("tensorwise"), module_filter_fn=fp8_filter)'],
    ),
    [],
  ],
  [
    'FP8 training via torchao convert_to_float8_training',
    hunk([], ['    convert_to_float8_training(model, module_filter_fn=fp8_filter)']),
    ['FP8 enable'],
  ],
  ['', hunk(['        self.lm_head.weight = self.wte.weight'], []), ['TIED_EMBEDDINGS disable']],
  ['clip gradients', hunk([], ['        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)']), ['GRAD_CLIP enable']],
  ['', hunk(['        q, k = norm(q), norm(k)'], []), ['QK_NORM disable']],
  [
    '',
    hunk(['model = torch.compile(model, dynamic=False)'], ['model = torch.compile(model, dynamic=False, mode="reduce-overhead")']),
    ['CUDA_GRAPHS enable'],
  ],
  [
    'cosine warmdown plus MATRIX_LR 0.05',
    hunk(['MATRIX_LR = 0.04', '    return cooldown'], ['MATRIX_LR = 0.05', '    return 0.5 * (1 - math.cos(math.pi * cooldown))']),
    ['MATRIX_LR raise 0.04>0.05', 'WARMDOWN_SHAPE set >cosine'],
  ],
  ['', hunk(['    rope_base: float = 10000.0'], ['    rope_base: float = 50000.0']), ['ROPE_BASE raise 10000>50000']],
  ['fewer kv heads', hunk(['    n_kv_head: int = 6'], ['    n_kv_head: int = 2']), ['N_KV_HEAD lower 6>2']],
  ['', hunk(['        softcap = 15'], ['        softcap = 30']), ['SOFTCAP raise 15>30']],
  [
    'drop VE',
    hunk(['        self.value_embeds = nn.ModuleDict({str(i): nn.Embedding(vocab, kv_dim) for i in range(n) if has_ve(i, n)})'], []),
    ['VALUE_EMBEDS disable'],
  ],
  ['', hunk([], ['ema_model = copy.deepcopy(model)']), ['EMA enable']],
  ['', hunk([], ['        loss = loss + 1e-4 * torch.logsumexp(logits, dim=-1).pow(2).mean()']), ['Z_LOSS enable']],
  [
    '',
    hunk(
      ['        x = F.relu(x).square()', '        y = F.relu(y).square()'],
      ['        x = F.relu(x).square()  # same', '        y = F.relu(y).square() * 2'],
    ),
    [],
  ],
];

/** Rewordings that avoid the logs' words: [text, concept, action]. */
const PARAPHRASES: [string, string, Change['action']][] = [
  ['make the MLP hidden layer narrower', 'MLP_RATIO', 'lower'],
  ['use a smaller feedforward expansion factor', 'MLP_RATIO', 'lower'],
  ['gated linear units in the feed-forward', 'ACTIVATION', 'set'],
  ['replace the squared rectifier with a gaussian error unit', 'ACTIVATION', 'replace'],
  ['swap the squared ReLU nonlinearity for GELU', 'ACTIVATION', 'replace'],
  ['try the swish gated unit in the MLP', 'ACTIVATION', 'set'],
  ['the output layer and the token embedding share weights', 'TIED_EMBEDDINGS', 'enable'],
  ['use one set of weights for input and output embeddings', 'TIED_EMBEDDINGS', 'enable'],
  ['untie the embedding and the classifier', 'TIED_EMBEDDINGS', 'disable'],
  ['lm_head tied to the embedding table', 'TIED_EMBEDDINGS', 'enable'],
  ['more momentum for the orthogonal optimizer', 'MUON_MOMENTUM', 'raise'],
  ['less momentum on the matrix updates', 'MUON_MOMENTUM', 'lower'],
  ['bigger lr for the 2d params', 'MATRIX_LR', 'raise'],
  ['bump the step size of the orthogonalized updates', 'MATRIX_LR', 'raise'],
  ['higher learning rate for the transformer block weights', 'MATRIX_LR', 'raise'],
  ['smaller learning rate on the token embeddings', 'EMBEDDING_LR', 'lower'],
  ['lower the learning rate for the output layer', 'UNEMBEDDING_LR', 'lower'],
  ['fewer tokens per optimizer step', 'TOTAL_BATCH_SIZE', 'lower'],
  ['smaller global batch', 'TOTAL_BATCH_SIZE', 'lower'],
  ['shrink the micro-batch', 'DEVICE_BATCH_SIZE', 'lower'],
  ['longer cooldown at the end of training', 'WARMDOWN_RATIO', 'raise'],
  ['decay the lr to 10% instead of zero', 'FINAL_LR_FRAC', 'raise'],
  ['shorter warmup', 'WARMUP_RATIO', 'lower'],
  ['cosine decay instead of linear', 'WARMDOWN_SHAPE', 'replace'],
  ['use a trapezoidal learning rate schedule', 'WARMDOWN_SHAPE', 'set'],
  ['keep weight decay constant', 'WEIGHT_DECAY_SCHEDULE', 'set'],
  ['increase the number of transformer blocks', 'DEPTH', 'raise'],
  ['larger attention heads', 'HEAD_DIM', 'raise'],
  ['share key and value heads across queries', 'GQA', 'enable'],
  ['a single shared key/value head', 'MQA', 'enable'],
  ['full attention in every layer', 'WINDOW_PATTERN', 'set'],
  ['extra embedding tables mixed into attention values', 'VALUE_EMBEDS', 'enable'],
  ['normalize q and k', 'QK_NORM', 'enable'],
  ['rotary embeddings on half the head dims', 'PARTIAL_ROPE', 'enable'],
  ['increase the rope theta', 'ROPE_BASE', 'raise'],
  ['tighter logit softcapping', 'SOFTCAP', 'lower'],
  ['exponential moving average of parameters', 'EMA', 'enable'],
  ['clip the gradient norm to 1', 'GRAD_CLIP', 'set'],
  ['predict multiple tokens ahead', 'MTP', 'enable'],
  ['post-norm instead of pre-norm', 'NORM_PLACEMENT', 'replace'],
  ['learnable gain in the norms', 'NORM_TYPE', 'set'],
  ['polar express instead of newton schulz', 'ORTHOGONALIZATION', 'replace'],
  ['evaluate with a sliding window', 'SLIDING_WINDOW_EVAL', 'enable'],
  ['use flash attention 3', 'ATTN_KERNEL', 'set'],
  ['start the output projections at all zeros', 'ZERO_INIT', 'enable'],
];

describe('understand on rewordings', () => {
  it.each(PARAPHRASES)('%s → %s %s', (text, concept, action) => {
    const { changes, concepts } = understand({ description: text, diff: null });
    expect(concepts).toContain(concept);
    expect(changes.find((c) => c.concept === concept)?.action).toBe(action);
  });
});

describe('understand', () => {
  it(`covers at least 80 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(80));

  it.each(CASES)('%s (diff: %#)', (description, diff, expected) => {
    expect(changesOf(description, diff)).toEqual([...expected].sort());
  });

  it('lists every concept mentioned or changed, deduped, with alias hubs resolved', () => {
    const u = understand({ description: 'depth 6 with GQA (ASPECT_RATIO=42 keeps model_dim=256)', diff: null });
    expect(u.concepts).toEqual(expect.arrayContaining(['DEPTH', 'GQA', 'ASPECT_RATIO', 'MODEL_DIM']));
    expect(new Set(u.concepts).size).toBe(u.concepts.length);
    expect(understand({ description: 'halve the batch size', diff: null }).concepts).toEqual(['TOTAL_BATCH_SIZE']);
    expect(understand({ description: 'use batch_size 16', diff: null }).concepts).toEqual(['DEVICE_BATCH_SIZE']);
    // The rationale of a description that changes nothing it can read still helps search.
    const r = understand({
      description: 'Bottleneck: instability at 42M tokens. Hypothesis: shuffling documents within shards fixes it.',
      diff: null,
    });
    expect(r.changes).toEqual([]);
    expect(r.concepts).toContain('DATA_SHUFFLE');
  });

  it('names nothing for text about other things, and survives empty or odd input', () => {
    for (const d of [
      '',
      '   ',
      'fix a typo in the README',
      'Add a one-line smoke-test comment to train.py.',
      '((((',
      '→→→ 1.0 → 2.0',
      'x'.repeat(5000),
    ])
      expect(understand({ description: d, diff: null })).toEqual({ changes: [], concepts: [], baseline: false });
    expect(understand({ description: 'x', diff: 'not a diff at all' }).changes).toEqual([]);
    expect(understand({ description: '', diff: hunk(['# a comment'], ['# another comment']) }).changes).toEqual([]);
  });

  it('says a baseline run is one only without a diff, and a change on top of the baseline is not one', () => {
    for (const d of ['baseline', 'fresh baseline', 'baseline run (depth 8)'])
      expect(understand({ description: d, diff: null }).baseline, d).toBe(true);
    expect(understand({ description: 'baseline', diff: hunk(['X = 1'], ['X = 2']) }).baseline).toBe(false);
    for (const d of ['baseline + FP8 matmuls', 'revert to baseline', 'raise MATRIX_LR to 0.05'])
      expect(understand({ description: d, diff: null }).baseline, d).toBe(false);
  });

  it('keeps a mention for a parameter named without value or direction', () => {
    expect(understand({ description: 'look at the warmdown ratio', diff: null }).changes).toEqual([
      { concept: 'WARMDOWN_RATIO', action: 'mention', from: null, to: null },
    ]);
  });

  it('reads the change from a later sentence when the first only sets the scene', () => {
    const read = (description: string) => understand({ description, diff: null });
    const scene = read('We only get about 300 steps in the time budget; I would cut the total batch so each step is cheaper.');
    expect(scene.changes).toEqual([{ concept: 'TOTAL_BATCH_SIZE', action: 'lower', from: null, to: null }]);
    expect(scene.concepts).toContain('TIME_BUDGET'); // the scene still helps full-text search
    expect(read('We have spare VRAM; I want to widen the model: ASPECT_RATIO 64 -> 72').changes).toContainEqual({
      concept: 'ASPECT_RATIO',
      action: 'raise',
      from: '64',
      to: '72',
    });
    expect(read('time budget is tight. Halve the batch to 2**13').changes).toEqual([
      { concept: 'TOTAL_BATCH_SIZE', action: 'lower', from: null, to: '8192' },
    ]);
    // A reason or a result is not the change, nor is naming a value ("Adam") without moving anything.
    expect(read('the warmdown ratio. Hypothesis: a longer warmdown helps').changes).toEqual([
      { concept: 'WARMDOWN_RATIO', action: 'mention', from: null, to: null },
    ]);
    // "Adam LR" is a learning rate, not a switch to Adam; changed later, it stands for the narrower rate the first clause named.
    expect(read('the embedding LR looks low; give it a larger Adam rate').changes).toEqual([
      { concept: 'EMBEDDING_LR', action: 'raise', from: null, to: null },
    ]);
    // A first clause that changes something is the change, whatever follows.
    expect(read('raise MATRIX_LR to 0.05; lower the batch next').changes).toEqual([
      { concept: 'MATRIX_LR', action: 'raise', from: null, to: '0.05' },
    ]);
    expect(read('depth 8 baseline; lower LR').baseline).toBe(true);
  });
});

describe('conceptInfo, narrowerConcepts, expansionTerms, CATALOGUE_VERSION', () => {
  it('describes a concept, and nothing for an unknown id', () => {
    expect(conceptInfo('MATRIX_LR')).toEqual(
      expect.objectContaining({ id: 'MATRIX_LR', group: 'optimizer', kind: 'param', broader: 'LR' }),
    );
    expect(conceptInfo('MATRIX_LR')!.aliases).toContain('muon lr');
    expect(conceptInfo('TIED_EMBEDDINGS')).toEqual(expect.objectContaining({ kind: 'switch', broader: null }));
    expect(conceptInfo('NO_SUCH_THING')).toBeNull();
    expect(narrowerConcepts('LR')).toEqual(expect.arrayContaining(['MATRIX_LR', 'EMBEDDING_LR', 'UNEMBEDDING_LR', 'SCALAR_LR']));
    expect(narrowerConcepts('TIED_EMBEDDINGS')).toEqual([]);
  });

  it('expands concepts into lower-case, deduped words for full-text search', () => {
    const terms = expansionTerms(['TIED_EMBEDDINGS', 'TIED_EMBEDDINGS', 'D_STATE_X']);
    expect(terms).toEqual(expect.arrayContaining(['tied embeddings', 'weight tying', 'd state x']));
    expect(new Set(terms).size).toBe(terms.length);
    expect(terms.every((t) => t === t.toLowerCase())).toBe(true);
    expect(expansionTerms([])).toEqual([]);
    expect(CATALOGUE_VERSION).toMatch(/^\d+-[0-9a-f]{12}$/);
  });
});

// Issue 20's misreadings: each wording as it must read (the lead's repros, then nearby wordings).
describe('understand: issue 20 readings', () => {
  it.each([
    // A floor for the LR: the decay no longer reaches zero; the next clause says where it ends.
    ['Stop decaying the LR to zero; end at 10 % of peak', ['FINAL_LR_FRAC raise 0>0.1']],
    ["don't decay the lr to zero; end at 5% of peak", ['FINAL_LR_FRAC raise 0>0.05']],
    ['Stop decaying the LR to zero', ['FINAL_LR_FRAC raise']],
    ["don't decay the LR all the way to zero, keep a 10% floor", ['FINAL_LR_FRAC raise']],
    ['end at 10 % of peak', ['FINAL_LR_FRAC set >0.1']],
    ['no lr decay', ['WARMDOWN_RATIO disable']],
    // Values in a parenthesis right after the name.
    ['smaller batch (2^18→2^16)', ['TOTAL_BATCH_SIZE lower 262144>65536']],
    ['halve the batch (2^17 → 2^16)', ['TOTAL_BATCH_SIZE lower 131072>65536']],
    ['MATRIX_LR (0.04 -> 0.06)', ['MATRIX_LR raise 0.04>0.06']],
    ['fewer newton-schulz iterations (5 -> 4) to save compute', ['NS_STEPS lower 5>4']],
    ['add gradient clipping (max norm 1.0)', ['GRAD_CLIP set >1']],
    // FP8 recipes are FP8.
    ['FP8 matmuls via torchao', ['FP8 enable']],
    ['use fp8 for the lm_head', ['FP8 enable']],
    ['FP8 tensorwise recipe via Float8LinearConfig', ['FP8 enable']],
    ['MXFP8 via torchao MXLinearConfig mxfp8_cublas', ['FP8 enable']],
    // Adam betas with their tuple; a change of the tuple is a change of its items, as in a diff.
    ['ADAM_BETAS (0.9,0.95)', ['ADAM_BETAS set >(0.9,0.95)']],
    ['adam betas 0.8,0.95', ['ADAM_BETAS set >(0.8,0.95)']],
    ['ADAM_BETAS = (0.95, 0.999)', ['ADAM_BETAS set >(0.95,0.999)']],
    ['ADAM_BETAS (0.8, 0.95) -> (0.9, 0.95)', ['ADAM_BETA1 raise 0.8>0.9']],
    // Another part's betas are that part's own setting.
    ['x0_lambdas betas (0.9,0.95)', ['X0_LAMBDAS_ADAM_BETAS set >(0.9,0.95)']],
    // Constant momentum is no warm-up; slower warm-ups raise it.
    ['constant Muon momentum', ['MUON_MOMENTUM_WARMUP disable']],
    ['constant Muon momentum 0.95 - worse than warmup', ['MUON_MOMENTUM_WARMUP disable']],
    ["keep Muon's momentum constant from the first step", ['MUON_MOMENTUM_WARMUP disable']],
    ["warm Muon's momentum up more slowly", ['MUON_MOMENTUM_WARMUP raise']],
    ['slower Muon momentum warmup', ['MUON_MOMENTUM_WARMUP raise']],
    ['a slower momentum warm-up for Muon', ['MUON_MOMENTUM_WARMUP raise']],
    ['shorter momentum warmup', ['MUON_MOMENTUM_WARMUP lower']],
  ])('%s', (description, expected) => {
    expect(changesOf(description)).toEqual(expected);
  });

  it('reads the same from a diff: a switch set False is off, a tuple assigned whole is the tuple', () => {
    expect(changesOf('FP8 matmuls', hunk(['USE_FP8 = False'], ['USE_FP8 = True']))).toEqual(['FP8 enable']);
    expect(changesOf('', hunk(['USE_FP8 = True'], ['USE_FP8 = False']))).toEqual(['FP8 disable']);
    expect(changesOf('', hunk([], ['ADAM_BETAS = (0.9, 0.95)']))).toEqual(['ADAM_BETAS set >(0.9,0.95)']);
  });

  it('reads no tuple where the items do not fit, and no value a parenthesis does not hold alone', () => {
    expect(changesOf('ADAM_BETAS (0.9, 0.95, 0.99)')).toEqual([]);
    expect(changesOf('adam betas 0.9')).toEqual(['ADAM_BETAS set >0.9']);
    expect(changesOf('smaller batch (2 GPUs)')).toEqual(['TOTAL_BATCH_SIZE lower']);
    expect(changesOf('Stop decaying the LR to zero; worse by 0.01')).toEqual(['FINAL_LR_FRAC raise']);
  });
});
