// Writes in flight are counted in shared memory: a worker thread given the counter's buffer (the
// background work on PostgreSQL) sees the API thread's writes, and the count returns to zero.
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { WriteActivity } from '../../../server/jobs/write-activity.ts';

/** Asks a real worker thread, holding the counter's buffer, whether writes are in flight. */
async function busyInThread(buffer: SharedArrayBuffer): Promise<boolean> {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     parentPort.postMessage(Atomics.load(new Int32Array(workerData), 0) > 0);`,
    { eval: true, workerData: buffer },
  );
  try {
    return await new Promise<boolean>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe('WriteActivity', () => {
  it('is busy while work is tracked, here and in another thread sharing its buffer, and idle after, failures included', async () => {
    const writes = new WriteActivity();
    const twin = new WriteActivity(writes.buffer);
    expect(writes.busy).toBe(false);
    let release!: () => void;
    const held = writes.track(() => new Promise<void>((r) => (release = r)));
    expect(writes.busy).toBe(true);
    expect(twin.busy).toBe(true);
    expect(await busyInThread(writes.buffer)).toBe(true);
    release();
    await held;
    await expect(writes.track(async () => Promise.reject(new Error('insert failed')))).rejects.toThrow('insert failed');
    expect(twin.busy).toBe(false);
    expect(await busyInThread(writes.buffer)).toBe(false);
  });
});
