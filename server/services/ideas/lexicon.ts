// The domain lexicon: how autoresearch agents name train.py's knobs and techniques, so that
// paraphrases ("Muon LR", "matrix_lr", "matrix learning rate") meet on one canonical name.
// Phrases are matched on whole words, case-insensitively, with `_` and `-` read as spaces.

/** train.py hyperparameters: canonical name → the phrases that name it (the name itself is implied). */
export const PARAMS: Readonly<Record<string, readonly string[]>> = {
  MATRIX_LR: ['matrix lr', 'matrix learning rate', 'muon lr', 'muon learning rate'],
  EMBEDDING_LR: ['embedding lr', 'embed lr', 'embedding learning rate', 'wte lr', 'embeddings lr'],
  UNEMBEDDING_LR: ['unembedding lr', 'unembed lr', 'unembedding learning rate', 'lm head lr', 'lm head learning rate', 'output lr', 'head lr'],
  SCALAR_LR: ['scalar lr', 'scalar learning rate', 'scalars lr'],
  LR: ['lr', 'learning rate', 'lrs', 'learning rates'],
  WEIGHT_DECAY: ['weight decay', 'wd', 'matrix weight decay', 'muon weight decay', 'cautious weight decay'],
  WARMDOWN: ['warmdown', 'lr warmdown', 'cooldown', 'lr cooldown', 'anneal', 'lr anneal', 'lr decay'],
  WARMDOWN_RATIO: ['warmdown ratio', 'lr warmdown ratio', 'decay ratio', 'cooldown ratio', 'warmdown fraction'],
  WARMUP: ['warmup', 'lr warmup'],
  WARMUP_RATIO: ['warmup ratio', 'lr warmup ratio', 'warmup fraction'],
  FINAL_LR_FRAC: ['final lr frac', 'final lr fraction', 'final lr floor', 'lr floor', 'min lr', 'final lr'],
  DEPTH: ['n layer', 'n layers', 'layers', 'num layers', 'number of layers', 'layer count'],
  ASPECT_RATIO: ['aspect ratio', 'ar'],
  MODEL_DIM: ['model dim', 'd model', 'n embd', 'width', 'model width', 'hidden size', 'dim', 'embedding dim'],
  HEAD_DIM: ['head dim', 'head dimension', 'head size'],
  N_HEAD: ['n head', 'n heads', 'heads', 'num heads', 'attention heads'],
  N_KV_HEAD: ['n kv head', 'n kv heads', 'kv heads', 'num kv heads'],
  WINDOW_PATTERN: ['window pattern', 'attention pattern', 'attention window pattern', 'pattern'],
  SHORT_WINDOW: ['short window', 'sliding window size', 'window size', 'attention window'],
  BATCH: ['batch', 'batch size'],
  TOTAL_BATCH_SIZE: ['total batch', 'total batch size', 'tokens per step'],
  DEVICE_BATCH_SIZE: ['device batch', 'device batch size', 'micro batch', 'microbatch', 'micro batch size'],
  GRAD_ACCUM: ['grad accum', 'gradient accumulation', 'grad accumulation', 'grad accum steps'],
  ADAM_BETA1: ['beta1', 'beta 1', 'adam beta1', 'adamw beta1', 'adam beta 1'],
  ADAM_BETA2: ['beta2', 'beta 2', 'adam beta2', 'adamw beta2', 'adam beta 2'],
  MUON_BETA2: ['muon beta2', 'normuon beta2'],
  MUON_MOMENTUM: ['muon momentum', 'momentum', 'muon target momentum', 'target momentum'],
  MUON_MOMENTUM_WARMUP: ['momentum warmup', 'muon momentum warmup'],
  NS_STEPS: ['ns steps', 'muon ns steps', 'newton schulz steps', 'newton schulz iterations', 'ns iterations', 'muon ns iterations'],
  SOFTCAP: ['logit softcap', 'soft cap', 'logit cap', 'logit soft cap', 'soft capping', 'logit soft capping', 'logit capping', 'logits softcap'],
  SEQ_LEN: ['seq len', 'sequence length', 'context length', 'max seq len'],
  MLP_RATIO: ['mlp ratio', 'mlp expansion', 'mlp mult', 'mlp', 'mlp hidden ratio', 'ffn ratio', 'expansion', 'mlp expansion ratio'],
  ROPE_BASE: ['rope base', 'rope base frequency', 'rope theta', 'rotary base'],
  GRAD_CLIP: ['grad clip', 'gradient clipping', 'gradient norm clipping', 'grad norm clip', 'grad clipping', 'max norm', 'clip grad norm'],
  X0_INIT: ['x0 init', 'x0 lambda init'],
  DROPOUT: ['dropout', 'residual dropout'],
  LABEL_SMOOTHING: ['label smoothing'],
};

/** Aliases whose parameter depends on the value written: a batch of 16 is sequences, of 2^16 tokens. */
export const RESOLVE_BY_VALUE: Readonly<Record<string, (v: number) => string>> = {
  BATCH: (v) => (v < 1024 ? 'DEVICE_BATCH_SIZE' : 'TOTAL_BATCH_SIZE'),
  WARMDOWN: (v) => (v > 1 ? 'WARMDOWN_ITERS' : 'WARMDOWN_RATIO'),
  WARMUP: (v) => (v > 1 ? 'WARMUP_ITERS' : 'WARMUP_RATIO'),
};

/** Tuple-valued globals whose items are parameters of their own (`ADAM_BETAS = (0.8, 0.95)`). */
export const TUPLES: Readonly<Record<string, readonly string[]>> = {
  ADAM_BETAS: ['ADAM_BETA1', 'ADAM_BETA2'],
};

/**
 * Quantities train.py derives from others (model_dim = depth · aspect ratio, n_head = model_dim /
 * head_dim): mentioned beside one of their sources they are a consequence, not a second change.
 */
export const DERIVED: Readonly<Record<string, readonly string[]>> = {
  MODEL_DIM: ['DEPTH', 'ASPECT_RATIO'],
  N_HEAD: ['HEAD_DIM', 'MODEL_DIM', 'DEPTH', 'ASPECT_RATIO'],
  GRAD_ACCUM: ['TOTAL_BATCH_SIZE', 'DEVICE_BATCH_SIZE'],
};

/** Parameters whose values are written as multiples ("3x MLP" sets 3; "2x LR" only says "up"). */
export const MULTIPLE_VALUED: ReadonlySet<string> = new Set(['MLP_RATIO']);

/** Categorical choices: slot → value → phrases. "A instead of B" and "B → A" become slot changes. */
export const CHOICES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  ACTIVATION: {
    relu2: ['relu²', 'relu^2', 'relu2', 'squared relu', 'relu squared', 'sq relu', 'square relu'],
    leaky_relu2: ['leakyrelu²', 'leakyrelu^2', 'leaky relu²', 'leaky relu^2', 'leaky relu squared'],
    relu: ['relu'],
    gelu: ['gelu', 'gelu activation'],
    silu: ['silu', 'swish', 'plain silu'],
    swiglu: ['swiglu', 'gated mlp', 'gated silu', 'swiglu mlp', 'swiglu style gated mlp', 'geglu'],
  },
  WINDOW_PATTERN: {
    l: ['full attention', 'all full attention', 'all long attention', 'global attention', 'no sliding window', 'full attention layers', 'full context attention'],
  },
  WARMDOWN_SHAPE: {
    linear: ['linear warmdown', 'linear decay', 'linear cooldown', 'linear'],
    cosine: ['cosine warmdown', 'cosine decay', 'cosine cooldown', 'cosine schedule', 'cosine'],
    wsd: ['wsd', 'wsd schedule'],
  },
  OPTIMIZER: {
    muon: ['muon', 'muon optimizer', 'normuon'],
    adamw: ['adamw', 'adam'],
  },
};

/** Techniques that are switched on or off rather than set: concept → phrases. */
export const FEATURES: Readonly<Record<string, readonly string[]>> = {
  VALUE_EMBEDS: ['value embeddings', 'value embeds', 'value embedding', 've', 'value embed', 've layers'],
  TIED_EMBEDDINGS: ['weight tying', 'tied embeddings', 'tie embeddings', 'tied embed', 'tied weights', 'shared embeddings', 'tie input and output embeddings', 'tying'],
  QK_NORM: ['qk norm', 'qk normalization', 'qk layernorm'],
  ROPE: ['rope', 'rotary', 'rotary embeddings', 'rotary position embeddings'],
  PARTIAL_ROPE: ['partial rope', 'partial rotary'],
  GQA: ['gqa', 'grouped query attention'],
  MQA: ['mqa', 'multi query attention'],
  EMA: ['ema', 'ema weights', 'weight ema'],
  SWA: ['swa', 'stochastic weight averaging'],
  Z_LOSS: ['z loss', 'zloss'],
  MTP: ['mtp', 'multi token prediction', 'multi token'],
  PARALLEL_BLOCK: ['parallel attn', 'parallel attention', 'parallel block', 'parallel blocks', 'palm style'],
  UNET_SKIP: ['u net', 'unet', 'u net skip', 'u net skips'],
  X0_RESIDUAL: ['x0', 'x0 residual', 'x0 skip', 'x0 highway', 'x0 residual connection', 'x0 lambdas'],
  RESID_LAMBDAS: ['resid lambdas', 'residual lambdas'],
  FP8: ['fp8', 'float8'],
  BF16: ['bf16', 'bfloat16'],
  CURRICULUM: ['curriculum'],
  WINDOW_WARMUP: ['window warmup', 'window schedule'],
  MOE: ['moe', 'mixture of experts', 'experts'],
  CONV: ['conv', 'convolution', 'conv mixer', 'depthwise conv'],
  MULTI_VE: ['ve groups', 've tables'],
  NORMUON_VARIANCE: ['variance reduction', 'normuon variance reduction'],
  CAUTIOUS_WD: ['cautious weight decay mask', 'cautious wd'],
  DEEP_SUPERVISION: ['deep supervision', 'aux loss', 'auxiliary loss'],
  CHECKPOINTING: ['checkpointing', 'activation checkpointing', 'gradient checkpointing'],
  COMPILE: ['torch compile', 'mx compile', 'compile'],
};

/** Words that give a change its direction. `off` turns a feature off or a parameter to 0. */
export const VERBS: Readonly<Record<'up' | 'down' | 'halve' | 'double' | 'off' | 'on', readonly string[]>> = {
  up: ['increase', 'increased', 'increasing', 'raise', 'raised', 'raising', 'higher', 'bigger', 'larger', 'longer', 'lengthen', 'extend', 'extended', 'widen', 'wider', 'deepen', 'deeper', 'boost', 'bump', 'grow', 'more', 'up', 'triple'],
  down: ['decrease', 'decreased', 'reduce', 'reduced', 'reducing', 'lower', 'lowered', 'lowering', 'smaller', 'shorter', 'shorten', 'shortened', 'shrink', 'narrow', 'narrower', 'cut', 'less', 'fewer', 'shallower', 'down', 'tighter', 'tighten'],
  halve: ['halve', 'halved', 'halving', 'half'],
  double: ['double', 'doubled', 'doubling', 'twice'],
  off: ['remove', 'removed', 'removing', 'disable', 'disabled', 'disabling', 'drop', 'dropped', 'no', 'without', 'ablate', 'delete'],
  on: ['add', 'added', 'adding', 'enable', 'enabled', 'use', 'using', 'introduce', 'try', 'apply'],
};

/** Words that are measurements or outcomes, never the knob an experiment turned. */
export const NOT_PARAMS: ReadonlySet<string> = new Set([
  'val_bpb', 'bpb', 'val', 'loss', 'train_loss', 'final_loss', 'val_loss', 'mfu', 'mfu_percent', 'steps', 'step', 'num_steps',
  'tokens', 'total_tokens', 'params', 'num_params', 'num_params_m', 'vram', 'peak_vram_mb', 'memory', 'memory_gb', 'tok_per_sec',
  'throughput', 'speed', 'time', 'ms', 'gb', 'mb', 'sec', 'seconds', 'minutes', 'min', 'exp', 'experiment', 'run', 'runs', 'lrm',
  'baseline', 'version', 'v', 'was', 'is', 'vs', 'from', 'to', 'of', 'at', 'by', 'and', 'or', 'the', 'a', 'with', 'gain', 'delta',
  'accuracy', 'ppl', 'perplexity', 'score',
]);
