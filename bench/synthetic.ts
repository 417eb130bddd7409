// Deterministic synthetic experiments for benchmarks: realistic changes (parameter tweaks and
// architecture swaps) phrased several ways, spread over hardware classes and outcomes.
import { createHash } from 'node:crypto';

const PARAMS: [string, string, number[]][] = [
  ['MATRIX_LR', 'matrix LR', [0.02, 0.03, 0.04, 0.05, 0.06, 0.08]],
  ['EMBEDDING_LR', 'embedding LR', [0.2, 0.3, 0.4, 0.6, 0.8]],
  ['UNEMBEDDING_LR', 'unembedding LR', [0.002, 0.004, 0.008]],
  ['SCALAR_LR', 'scalar LR', [0.25, 0.5, 1.0]],
  ['WEIGHT_DECAY', 'weight decay', [0, 0.01, 0.05, 0.1, 0.2]],
  ['WARMDOWN_RATIO', 'warmdown ratio', [0.2, 0.3, 0.5, 0.7]],
  ['WARMUP_RATIO', 'warmup ratio', [0, 0.02, 0.05]],
  ['DEPTH', 'depth', [6, 8, 10, 12, 16]],
  ['ASPECT_RATIO', 'aspect ratio', [48, 64, 96]],
  ['HEAD_DIM', 'head dim', [64, 128]],
  ['TOTAL_BATCH_SIZE', 'total batch size', [65536, 131072, 262144, 524288]],
  ['ADAM_BETA1', 'beta1', [0.8, 0.85, 0.9, 0.95]],
  ['ADAM_BETA2', 'beta2', [0.95, 0.99]],
];
const SWAPS = [
  'switch activation from ReLU² to GeLU',
  'use SwiGLU in the MLP',
  'remove QK norm',
  'add value embeddings to every layer',
  'tie input and output embeddings',
  'untie embeddings',
  'use RoPE base 50000',
  'logit softcap 15 instead of 30',
  'sliding window pattern SSSL',
  'full attention in every layer',
  'replace Muon with AdamW for matrices',
  'z-loss 1e-4',
];
const HYPOTHESES = [
  'faster convergence in the time budget',
  'less overfitting on the short run',
  'more optimizer steps',
  'better use of the GPU',
  'smoother loss curve',
  'stabler early training',
  'fits in memory',
  'more capacity per FLOP',
  'the baseline undertrains',
  'noise in the gradient helps',
  'higher tokens per second',
  'lower final loss',
];
const PHRASINGS = [
  (n: string, a: number, b: number) => `increase ${n} from ${a} to ${b}`,
  (n: string, a: number, b: number) => `${n} ${a} -> ${b}`,
  (n: string, a: number, b: number) => `${n} ${a}→${b} (try a ${b > a ? 'higher' : 'lower'} value)`,
];
const HARDWARE = [
  { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 },
  { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 },
  { accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4-80GB', device_count: 1, memory_mb: 81920 },
  { accelerator: 'mps', device_name: 'Apple M4 Max', device_count: 1, memory_mb: 131072 },
  { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 3090', device_count: 1, memory_mb: 24576 },
] as const;
export const BENCH_HARNESS = createHash('sha256').update('bench harness').digest('hex');

function rand(i: number, salt: string): number {
  return createHash('sha1').update(`${salt}:${i}`).digest().readUInt32BE(0) / 2 ** 32;
}

export interface SyntheticExperiment {
  ideaLabel: string;
  description: string;
  /** The change as a one-line diff of train.py (a parameter tweak), or null (an architecture swap, described only). */
  diff: string | null;
  hardware: (typeof HARDWARE)[number];
  harnessId: string;
  status: 'keep' | 'discard' | 'crash';
  valBpb: number | null;
}

export function syntheticExperiment(i: number): SyntheticExperiment {
  const hardware = HARDWARE[Math.floor(rand(i, 'hw') * HARDWARE.length)];
  const r = rand(i, 'status');
  const status = r < 0.2 ? 'keep' : r < 0.95 ? 'discard' : 'crash';
  const valBpb = status === 'crash' ? null : 0.95 + rand(i, 'bpb') * 0.1;
  let ideaLabel: string;
  let description: string;
  let diff: string | null = null;
  if (rand(i, 'kind') < 0.8) {
    const [name, words, values] = PARAMS[Math.floor(rand(i, 'p') * PARAMS.length)];
    const a = values[Math.floor(rand(i, 'a') * values.length)];
    let b = values[Math.floor(rand(i, 'b') * values.length)];
    if (b === a) b = values[(values.indexOf(a) + 1) % values.length];
    ideaLabel = `${name}:${a}>${b}`;
    const phrase = PHRASINGS[Math.floor(rand(i, 'ph') * PHRASINGS.length)];
    description = phrase(rand(i, 'nm') < 0.5 ? name : words, a, b);
    diff = `--- a/train.py\n+++ b/train.py\n@@ -40,1 +40,1 @@\n-${name} = ${a}\n+${name} = ${b}\n`;
  } else {
    const swap = SWAPS[Math.floor(rand(i, 's') * SWAPS.length)];
    ideaLabel = swap;
    description = rand(i, 'sp') < 0.5 ? swap : `${swap} (run ${i % 7})`;
  }
  // Real logs number their experiments and add a hypothesis; that keeps most descriptions distinct.
  if (rand(i, 'exp') < 0.4) description = `exp${i % 5000}: ${description}`;
  if (rand(i, 'hy') < 0.4) description += ` (hypothesis: ${HYPOTHESES[Math.floor(rand(i, 'hyp') * HYPOTHESES.length)]})`;
  // ...and often what happened: "val_bpb 0.9912, 1840 steps, MFU 38.2%".
  if (rand(i, 'res') < 0.5)
    description += ` — ${Math.round(800 + rand(i, 'st') * 2000)} steps, MFU ${(20 + rand(i, 'mfu') * 30).toFixed(1)}%`;
  return { ideaLabel, description, diff, hardware, harnessId: BENCH_HARNESS, status, valBpb };
}

/** States of train.py the synthetic forks start their experiments from: the same change from the same state is a replication. */
export const SYNTHETIC_STATES = 200;

/**
 * Experiment `i` as the record payload fields a fork would publish: its description, diff and
 * outcome, its hardware, the train.py it changed (one of SYNTHETIC_STATES, so a few experiments
 * replicate each other as on a real hub, most do not), and one of `forks` forks.
 */
export function syntheticRecordFields(i: number, forks = 16) {
  const e = syntheticExperiment(i);
  const state = Math.floor(rand(i, 'state') * SYNTHETIC_STATES);
  return {
    description: e.description,
    diff: e.diff,
    status: e.status,
    hardware: { ...e.hardware, driver: null, runtime: null },
    metrics: { val_bpb: e.valBpb },
    parent: { train_py_sha256: createHash('sha256').update(`state ${state}`).digest('hex'), commit: null, val_bpb: 1.0 },
    commit: createHash('sha1').update(`commit ${i}`).digest('hex').slice(0, 7),
    fork: { id: `bench-fork-${i % forks}`, branch: null, url: null },
  };
}
