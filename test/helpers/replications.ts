// Synthetic replications for tests and benches: groups of records that ran the same train.py
// (same parent SHA-256 and diff), their val_bpb drawn around each group's truth with a known σ
// from a seeded normal sampler, signed by several keys.
import { createHash } from 'node:crypto';
import type { RecordPayload } from '../../server/protocol/record.schema.ts';
import { envelope, makePayload, type TestSigner } from './records.ts';

/** A seeded normal sampler (mulberry32 + Box–Muller): the same draws on every run. */
export function normal(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
}

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** A one-line train.py diff; distinct `name`/`value` make distinct train.py versions. */
export const constantDiff = (name: string, from: string, to: string, line = 30) =>
  `--- a/train.py\n+++ b/train.py\n@@ -${line},1 +${line},1 @@\n-${name} = ${from}\n+${name} = ${to}\n`;

export interface ReplicationGroups {
  hardware: Partial<RecordPayload['hardware']>;
  sigma: number;
  groups: number;
  /** Runs per group, each by the next signer in turn. */
  runs: number;
  seed: number;
  signers: TestSigner[];
  harness?: RecordPayload['harness'];
}

/**
 * Envelopes of `groups × runs` discarded experiments (so none ranks): group g changes
 * `REPL_<seed>` to g on a parent train.py of its own, its true val_bpb 1.0 + 0.01·(g mod 5).
 */
export function replicationEnvelopes(o: ReplicationGroups) {
  const z = normal(o.seed);
  const out = [];
  for (let g = 0; g < o.groups; g++) {
    const truth = 1.0 + 0.01 * (g % 5);
    for (let r = 0; r < o.runs; r++) {
      const val = Math.round((truth + o.sigma * z()) * 1e6) / 1e6;
      const payload = makePayload({
        description: `replication study ${o.seed}: set REPL_${o.seed} to ${g}`,
        status: 'discard',
        diff: constantDiff(`REPL_${o.seed}`, 'None', String(g)),
        parent: { train_py_sha256: sha256(`parent ${o.seed} ${g}`), commit: 'abc1234', val_bpb: truth - 0.02 },
        metrics: { val_bpb: val },
        hardware: o.hardware as RecordPayload['hardware'],
        ...(o.harness ? { harness: o.harness } : {}),
      });
      out.push(envelope(payload, o.signers[r % o.signers.length]));
    }
  }
  return out;
}
