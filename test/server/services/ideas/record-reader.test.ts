// Reading records for assignment in a worker thread (threadReader) gives exactly what reading them
// inline gives, for records with diffs and for the descriptions of the real fork logs
// (../shared/corpus); a record that cannot be read fails its batch with a clear error, and the same
// reader reads the next batch.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { inlineReader, readRecord, threadReader, type StoredText } from '../../../../server/services/ideas/record-reader.ts';
import { makePayload } from '../../../helpers/records.ts';
import { syntheticRecordFields } from '../../../../bench/synthetic.ts';
import { CORPUS_RESULTS, sharedPresent } from '../../../helpers/shared.ts';
import { loadConfig } from '../../../../server/config.ts';

const stored = (p: ReturnType<typeof makePayload>): StoredText => ({
  description: p.description,
  payload: JSON.stringify(p),
  harnessId: p.harness.id,
  hardwareClass: 'NVIDIA H100 80GB HBM3',
});

const synthetic = Array.from({ length: 60 }, (_, i) => stored(makePayload(syntheticRecordFields(i, 4))));
/** Every description of the real fork logs, as records without diffs. */
const corpus = sharedPresent(CORPUS_RESULTS, 'record reading over the real fork logs')
  ? readdirSync(CORPUS_RESULTS)
      .filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv')
      .flatMap((f) => {
        const [header, ...lines] = readFileSync(new URL(f, CORPUS_RESULTS), 'utf8').split('\n');
        const at = header.split('\t').indexOf('description');
        return lines.map((line) => line.split('\t')[at]?.trim() ?? '').filter(Boolean);
      })
      .map((description) => stored(makePayload({ description, diff: null })))
  : [];

describe('record readers', () => {
  const reader = threadReader();
  afterAll(() => reader.close());

  it('a worker thread reads records exactly as reading them inline does', async () => {
    const rows = [...synthetic, ...corpus];
    expect(synthetic.some((r) => JSON.parse(r.payload).diff)).toBe(true);
    if (corpus.length) expect(corpus.length).toBeGreaterThan(400);
    const expected = rows.map(readRecord);
    expect(await reader.read(rows)).toEqual(expected);
    expect(await inlineReader().read(rows)).toEqual(expected);
  });

  it('a record that cannot be read fails its batch with the reason; the reader reads the next one', async () => {
    const broken = { ...synthetic[0], payload: '{not json' };
    await expect(reader.read([synthetic[1], broken])).rejects.toThrow(/reading records failed: .*JSON/);
    expect(await reader.read([synthetic[2]])).toEqual([readRecord(synthetic[2])]);
  });

  it('an empty batch is read without a round trip', async () => {
    expect(await reader.read([])).toEqual([]);
  });

  it('CROSSFORK_READER_THREAD turns the thread off, and it is on by default', () => {
    expect(loadConfig({}).readerThread).toBe(true);
    for (const v of ['0', 'false', 'off', 'no', 'OFF']) expect(loadConfig({ CROSSFORK_READER_THREAD: v }).readerThread).toBe(false);
    expect(loadConfig({ CROSSFORK_READER_THREAD: '1' }).readerThread).toBe(true);
  });
});
