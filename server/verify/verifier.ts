// Signature verification for batches, spread over worker threads (Ed25519/RSA verification is
// CPU-bound and dominates ingest); inline when configured with zero threads.
import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../threads/ts-worker.ts';
import { EnvelopeError, verifyEnvelope, type ParsedEnvelope, type SigningKey } from '../protocol/envelope.ts';

export type VerifyJob = Pick<ParsedEnvelope<unknown>, 'canonical' | 'signature' | 'publicKey'>;
export type VerifyOutcome = { ok: true; key: SigningKey } | { ok: false; message: string };

export interface Verifier {
  verify(jobs: VerifyJob[]): Promise<VerifyOutcome[]>;
  close(): Promise<void>;
}

function verifyInline(jobs: VerifyJob[]): VerifyOutcome[] {
  return jobs.map((job) => {
    try {
      return { ok: true, key: verifyEnvelope(job) };
    } catch (err) {
      if (err instanceof EnvelopeError) return { ok: false, message: err.message };
      throw err;
    }
  });
}

export function inlineVerifier(): Verifier {
  return { verify: async (jobs) => verifyInline(jobs), close: async () => {} };
}

/** Below this many signatures a batch is verified inline: the hand-off would cost more. */
const MIN_PARALLEL = 16;
const WORKER_BODY = new URL('./verify.worker.ts', import.meta.url);

interface Pending {
  resolve(o: VerifyOutcome[]): void;
  reject(e: Error): void;
}

class WorkerSlot {
  private worker!: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closing = false;

  constructor() {
    this.spawn();
  }

  private spawn() {
    this.worker = tsWorker(WORKER_BODY);
    this.worker.unref();
    this.worker.on('message', ({ id, outcomes }: { id: number; outcomes: VerifyOutcome[] }) => {
      this.pending.get(id)?.resolve(outcomes);
      this.pending.delete(id);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      this.fail(new Error(`verifier worker exited with code ${code}`));
      if (!this.closing) this.spawn(); // a crashed worker is replaced, never left to swallow jobs
    });
  }

  private fail(err: Error) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  run(jobs: VerifyJob[]): Promise<VerifyOutcome[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, jobs });
    });
  }

  async close() {
    this.closing = true;
    await this.worker.terminate();
  }
}

export function workerVerifier(threads: number): Verifier {
  if (threads <= 0) return inlineVerifier();
  const slots = Array.from({ length: threads }, () => new WorkerSlot());
  let turn = 0;
  return {
    async verify(jobs) {
      if (jobs.length < MIN_PARALLEL) return verifyInline(jobs);
      // One slice per worker, starting at a rotating worker so concurrent batches spread out.
      const size = Math.ceil(jobs.length / slots.length);
      const parts: Promise<VerifyOutcome[]>[] = [];
      for (let i = 0; i < jobs.length; i += size) parts.push(slots[turn++ % slots.length].run(jobs.slice(i, i + size)));
      return (await Promise.all(parts)).flat();
    },
    close: async () => void (await Promise.all(slots.map((s) => s.close()))),
  };
}
