// A small seeded store for the dataset tests: three changes tried by two keys on four hardware
// classes (three families), a replication that confirms a result, and two unsigned public-log rows.
import { createHash } from 'node:crypto';
import { envelope, makePayload, newSigner, type TestSigner } from './records.ts';
import type { testApp } from './app.ts';
import { publicLogRecords } from '../../server/github/public-log.ts';
import type { RecordPayload } from '../../server/protocol/record.schema.ts';

const diff = (name: string, from: string, to: string) =>
  `--- a/train.py\n+++ b/train.py\n@@ -10,1 +10,1 @@\n-${name} = ${from}\n+${name} = ${to}\n`;

export const DATASET_CHANGES = [
  { description: 'increase MATRIX_LR from 0.04 to 0.05', diff: diff('MATRIX_LR', '0.04', '0.05') },
  { description: 'raise DEPTH from 8 to 12', diff: diff('DEPTH', '8', '12') },
  { description: 'lower WEIGHT_DECAY from 0.1 to 0.05', diff: diff('WEIGHT_DECAY', '0.1', '0.05') },
];

export const DATASET_HARDWARE = [
  { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559, driver: '550', runtime: 'CUDA 12.4' },
  { accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4-80GB', device_count: 1, memory_mb: 81920, driver: '550', runtime: 'CUDA 12.4' },
  { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564, driver: '550', runtime: 'CUDA 12.4' },
  { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 3090', device_count: 1, memory_mb: 24576, driver: '550', runtime: 'CUDA 12.4' },
] as const;

// Effect of each change (Δval_bpb) per hardware: MATRIX_LR helps everywhere, DEPTH only on big cards.
const EFFECT = [
  [-0.004, -0.003, -0.0035, -0.003],
  [-0.006, -0.005, 0.004, 0.005],
  [0.001, 0.0005, 0.0015, 0.001],
];

export interface SeededDataset {
  signers: TestSigner[];
  /** Ids of the records that were stored, signed and unsigned. */
  ids: string[];
  /** The record whose result another key replicated (it is confirmed). */
  confirmedId: string;
  unsigned: number;
}

/** Seeds through the API (signed) and the public-log reader (unsigned); ideas are assigned. */
export async function seedDataset(t: ReturnType<typeof testApp>, extra: { payload: object; signature: string; public_key: string }[] = []) {
  const signers = [newSigner('alice@lab'), newSigner('bob@lab')];
  const envelopes = [...extra];
  let minute = 0;
  const at = () => new Date(Date.UTC(2026, 2, 10, 8, minute++)).toISOString();
  for (const [c, change] of DATASET_CHANGES.entries())
    for (const [h, hardware] of DATASET_HARDWARE.entries())
      for (const [k, signer] of signers.entries()) {
        const delta = EFFECT[c][h] + (k === 0 ? 0.0002 : -0.0002);
        const parent = 1.0 + h * 0.01;
        const payload = makePayload({
          created_at: at(),
          description: change.description,
          diff: change.diff,
          status: delta < 0 ? 'keep' : 'discard',
          hardware,
          parent: { train_py_sha256: createHash('sha256').update(`base-${h}`).digest('hex'), commit: 'abc1234', val_bpb: parent },
          metrics: { val_bpb: Number((parent + delta).toFixed(6)) },
          fork: { id: `fork-${k}`, branch: 'autoresearch/mar10', url: null },
        });
        envelopes.push(envelope(payload, signer));
      }
  // A crash (no val_bpb) on the 3090.
  envelopes.push(
    envelope(
      makePayload({
        created_at: at(),
        description: 'raise DEPTH from 8 to 16',
        diff: diff('DEPTH', '8', '16'),
        status: 'crash',
        hardware: DATASET_HARDWARE[3],
        metrics: { val_bpb: null, peak_vram_mb: 24000 },
      }),
      signers[0],
    ),
  );
  const res = await t.post('/v1/records/batch', { records: envelopes });
  const results = ((await res.json()) as { results: { id: string; status: string }[] }).results;
  if (results.some((r) => r.status !== 'created')) throw new Error(`seed refused: ${JSON.stringify(results)}`);
  // Bob replicates alice's MATRIX_LR keep on the H100: the same train.py, within the noise.
  const original = results[extra.length].id;
  const first = envelopes[extra.length].payload as RecordPayload;
  const replication = envelope(
    { ...first, created_at: at(), replicates: original, metrics: { ...first.metrics, val_bpb: first.metrics.val_bpb! + 0.0001 } },
    signers[1],
  );
  const rep = await t.post('/v1/records', replication);
  if (rep.status !== 201) throw new Error(`replication refused: ${await rep.text()}`);
  const repId = ((await rep.json()) as { id: string }).id;
  // Two rows of a fork's public results.tsv (unsigned, provenance said).
  const log = publicLogRecords(
    {
      nameWithOwner: 'someone/autoresearch',
      url: 'https://github.com/someone/autoresearch',
      branch: 'master',
      oid: 'f'.repeat(40),
      committedAt: new Date(Date.UTC(2026, 2, 11)),
    },
    'commit\tval_bpb\tmemory_gb\tstatus\tdescription\na1b2c3d\t0.997900\t44.0\tkeep\tbaseline\nb2c3d4e\t0.993200\t44.2\tkeep\tincrease MATRIX_LR to 0.05\n',
    'TIME_BUDGET = 300\n',
  );
  const stored = await t.services.repos.records.insertMany(log.rows);
  await t.services.repos.jobs.enqueue('assign-idea', [...stored]);
  await t.drain();
  return {
    signers,
    ids: [...results.map((r) => r.id), repId, ...stored],
    confirmedId: original,
    unsigned: stored.size,
  } satisfies SeededDataset;
}
