// Worker thread body of threadReader (record-reader.ts): reads stored records off the background thread.
import { parentPort } from 'node:worker_threads';
import { readRecord, type StoredText } from './record-reader.ts';

parentPort!.on('message', ({ id, rows }: { id: number; rows: StoredText[] }) => {
  try {
    parentPort!.postMessage({ id, readings: rows.map(readRecord) });
  } catch (err) {
    parentPort!.postMessage({ id, error: String(err) });
  }
});
