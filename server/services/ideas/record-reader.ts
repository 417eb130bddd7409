// Reading stored records for idea assignment: the catalogue's derivation and the identity
// features of each, inline (a few records between turns of the event loop) or in a worker thread,
// where the next batch is read while the background thread writes the current one.
import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../../threads/ts-worker.ts';
import type { RecordPayload } from '../../protocol/record.schema.ts';
import { deriveRecord, type Derived } from './derive.ts';
import { ideaFeatures, type IdeaFeatures } from './features.ts';

/** What reading needs of a stored record. */
export interface StoredText {
  description: string;
  payload: string;
  harnessId: string;
  hardwareClass: string;
}

export interface Reading {
  derived: Derived;
  features: IdeaFeatures;
}

export interface RecordReader {
  read(rows: readonly StoredText[]): Promise<Reading[]>;
  close(): Promise<void>;
}

/** One record read: derived once, its identity features from that reading. */
export function readRecord(r: StoredText): Reading {
  const derived = deriveRecord(r);
  const diff = (JSON.parse(r.payload) as RecordPayload).diff ?? null;
  return { derived, features: ideaFeatures({ description: r.description, diff }, derived.understood) };
}

/** Records read between two turns of the event loop (a batch being written goes on meanwhile). */
const SLICE = 10;

export function inlineReader(): RecordReader {
  return {
    async read(rows) {
      const out: Reading[] = [];
      for (const [i, r] of rows.entries()) {
        if (i > 0 && i % SLICE === 0) await new Promise((done) => setImmediate(done));
        out.push(readRecord(r));
      }
      return out;
    },
    close: async () => {},
  };
}

const WORKER_BODY = new URL('./record-reader.worker.ts', import.meta.url);

type Reply = { id: number; readings: Reading[] } | { id: number; error: string };

/**
 * Reads in one worker thread (pure CPU: the catalogue and hashing). A crashed worker fails its
 * pending reads, which the job runner retries, and is replaced.
 */
export function threadReader(): RecordReader {
  const pending = new Map<number, { resolve(r: Reading[]): void; reject(e: Error): void }>();
  let nextId = 0;
  let closing = false;
  let worker: Worker;
  const fail = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const spawn = () => {
    worker = tsWorker(WORKER_BODY);
    worker.unref();
    worker.on('message', (m: Reply) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if ('error' in m) p?.reject(new Error(`reading records failed: ${m.error}`));
      else p?.resolve(m.readings);
    });
    worker.on('error', (err) => fail(err));
    worker.on('exit', (code) => {
      fail(new Error(`record reader exited with code ${code}`));
      if (!closing) spawn();
    });
  };
  spawn();
  return {
    read(rows) {
      if (rows.length === 0) return Promise.resolve([]);
      const id = nextId++;
      const texts: StoredText[] = rows.map(({ description, payload, harnessId, hardwareClass }) => ({
        description,
        payload,
        harnessId,
        hardwareClass,
      }));
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, rows: texts });
      });
    },
    async close() {
      closing = true;
      await worker.terminate();
    },
  };
}
