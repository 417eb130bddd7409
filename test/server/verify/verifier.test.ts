// The worker-thread verifier gives the same verdicts as inline verification, in input order.
import { afterAll, describe, expect, it } from 'vitest';
import { inlineVerifier, workerVerifier } from '../../../server/verify/verifier.ts';
import { canonicalJson } from '../../../server/protocol/canonical.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';

describe('verifier pool', () => {
  const pool = workerVerifier(2);
  afterAll(() => pool.close());
  const signers = [newSigner('a'), newSigner('b')];

  const jobs = Array.from({ length: 120 }, (_, i) => {
    const env = envelope(makePayload({ description: `job ${i}` }), signers[i % 2]);
    const job = { canonical: canonicalJson(env.payload), signature: env.signature, publicKey: env.public_key };
    if (i % 7 === 3) job.canonical = job.canonical.replace(`job ${i}`, `job ${i}!`); // tampered
    if (i % 11 === 5) job.publicKey = signers[(i + 1) % 2].publicKey; // another key
    if (i === 17) job.signature = 'garbage';
    return job;
  });

  it('agrees with inline verification on every item, good and bad, in order', async () => {
    const [viaWorkers, inline] = await Promise.all([pool.verify(jobs), inlineVerifier().verify(jobs)]);
    expect(viaWorkers).toEqual(inline);
    const bad = viaWorkers.flatMap((o, i) => (o.ok ? [] : [i]));
    const expected = jobs.flatMap((_, i) => (i % 7 === 3 || i % 11 === 5 || i === 17 ? [i] : []));
    expect(bad).toEqual(expected);
    const ok = viaWorkers.find((o) => o.ok);
    expect(ok).toMatchObject({ ok: true, key: { type: 'ssh-ed25519', fingerprint: expect.stringMatching(/^SHA256:/) } });
  });

  it('serves concurrent batches', async () => {
    const results = await Promise.all([pool.verify(jobs), pool.verify(jobs.slice(0, 40)), pool.verify(jobs.slice(60))]);
    expect(results.map((r) => r.length)).toEqual([120, 40, 60]);
    expect(results[2]).toEqual(results[0].slice(60));
  });
});
