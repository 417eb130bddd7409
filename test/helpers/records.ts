// Builders of realistic record payloads and signed envelopes for tests and benchmarks.
import { createHash } from 'node:crypto';
import { generateEd25519Key, parsePrivateKey } from '../../server/protocol/ssh-keys.ts';
import { signSshsig } from '../../server/protocol/sshsig.ts';
import { canonicalBytes } from '../../server/protocol/canonical.ts';
import { NO_RUN_METRICS, type RecordPayload } from '../../server/protocol/record.schema.ts';

export const HARNESS_ID = createHash('sha256').update('prepare.py of the test harness').digest('hex');

export interface TestSigner {
  publicKey: string;
  privateKey: string;
  sign(message: Uint8Array): string;
}

export function newSigner(comment = 'test@crossfork'): TestSigner {
  const { privateKey, publicKey } = generateEd25519Key(comment);
  const { keyObject } = parsePrivateKey(privateKey);
  return { publicKey, privateKey, sign: (m) => signSshsig(m, keyObject, publicKey) };
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | T[K] : T[K] };

/** A record's run metrics when nothing but val_bpb is known (a bare results.tsv row or a hand-published claim). */
export const NO_METRICS = NO_RUN_METRICS;

let counter = 0;

export function makePayload(overrides: DeepPartial<RecordPayload> = {}): RecordPayload {
  counter += 1;
  const base: RecordPayload = {
    schema: 'crossfork.record/v1',
    created_at: new Date(Date.UTC(2026, 2, 8, 21, 0, counter % 60, counter % 1000)).toISOString(),
    description: `increase MATRIX_LR from 0.04 to 0.05 (#${counter})`,
    status: 'keep',
    diff: '--- a/train.py\n+++ b/train.py\n@@ -10,1 +10,1 @@\n-MATRIX_LR = 0.04\n+MATRIX_LR = 0.05\n',
    parent: { train_py_sha256: 'a'.repeat(64), commit: 'abc1234', val_bpb: 0.9979 },
    commit: 'def5678',
    metrics: {
      val_bpb: 0.9932,
      peak_vram_mb: 45060.2,
      training_seconds: 300.1,
      total_seconds: 325.9,
      mfu_percent: 39.8,
      total_tokens_m: 499.6,
      num_steps: 953,
      num_params_m: 50.3,
    },
    harness: { id: HARNESS_ID, name: 'autoresearch', time_budget_s: 300 },
    hardware: {
      accelerator: 'cuda',
      device_name: 'NVIDIA H100 80GB HBM3',
      device_count: 1,
      memory_mb: 81559,
      driver: '550.54.15',
      runtime: 'CUDA 12.4',
    },
    agent: { model: 'claude-opus-4', tool: 'claude-code' },
    fork: { id: 'fork-test', branch: 'autoresearch/mar8', url: null },
  };
  return merge(base, overrides) as RecordPayload;
}

function merge(base: any, over: any): any {
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over))
    out[k] = base?.[k] && typeof base[k] === 'object' && v && typeof v === 'object' ? merge(base[k], v) : v;
  return out;
}

export function envelope(payload: object, signer: TestSigner): { payload: any; signature: string; public_key: string } {
  return { payload, signature: signer.sign(canonicalBytes(payload)), public_key: signer.publicKey };
}
