// Worker thread body of the verifier pool: checks SSHSIG signatures off the main thread.
import { parentPort } from 'node:worker_threads';
import { EnvelopeError, verifyEnvelope } from '../protocol/envelope.ts';
import type { VerifyJob, VerifyOutcome } from './verifier.ts';

parentPort!.on('message', ({ id, jobs }: { id: number; jobs: VerifyJob[] }) => {
  const outcomes = jobs.map((job): VerifyOutcome => {
    try {
      return { ok: true, key: verifyEnvelope(job) };
    } catch (err) {
      return { ok: false, message: err instanceof EnvelopeError ? err.message : `signature rejected: ${String(err)}` };
    }
  });
  parentPort!.postMessage({ id, outcomes });
});
