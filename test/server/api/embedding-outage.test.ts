// An embedding API that hangs, then errors, then recovers: ingestion never waits on it, no
// record is lost, and every record has its idea once the API is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai.ts';
import { openAIEmbedder } from '../../../server/services/ideas/openai-embedder.ts';
import type { Database } from '../../../server/db/client.ts';

// EMBEDDING_OUTAGE_MS=60000 runs the full minute of errors that issue 8 names (CI: 0.6 s).
const OUTAGE_MS = Number(process.env.EMBEDDING_OUTAGE_MS ?? 600);

describe.each(drivers)('embedding outage on $name', (driver) => {
  let database: Database;
  let fake: FakeOpenAI;
  let t: ReturnType<typeof testApp>;
  const alice = newSigner();

  beforeAll(async () => {
    database = await driver.open();
    fake = await startFakeOpenAI();
    const embedder = openAIEmbedder({ baseURL: fake.url, model: 'fake-embed', dimensions: 64, timeoutMs: 300, maxRetries: 0 });
    t = testApp(database, { embedder, runner: { pollMs: 50, backoffBaseMs: 50, backoffMaxMs: 200 } });
    await t.services.start();
  });
  afterAll(async () => {
    await t?.services.stop();
    await fake?.close();
    await database?.close();
  });

  const unassigned = async () => {
    const page = (await (await t.get('/v1/records?limit=200')).json()) as any;
    return page.records.filter((r: any) => r.idea_id === null).length;
  };

  it('delays idea assignment during the outage and loses nothing', { timeout: OUTAGE_MS + 60_000 }, async () => {
    fake.mode = 'hang';
    const records = Array.from({ length: 30 }, (_, i) =>
      envelope(makePayload({ description: `outage experiment ${i % 10}: WARMDOWN_RATIO=0.${i % 10}`, diff: null }), alice),
    );
    const started = Date.now();
    const { results } = (await (await t.post('/v1/records/batch', { records })).json()) as any;
    expect(results.every((r: any) => r.status === 'created')).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000); // ingest did not wait for the hanging API
    await new Promise((r) => setTimeout(r, 800));
    expect(await unassigned()).toBe(30);

    fake.mode = 'error';
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect(await unassigned()).toBe(30);
    const failed = await t.services.repos.jobs.stats('assign-idea');
    expect(failed.depth).toBe(30);

    fake.mode = 'ok';
    const deadline = Date.now() + 15_000;
    // The records get their ideas first; their jobs are settled just after: wait for both.
    const pending = async () => (await unassigned()) + (await t.services.repos.jobs.stats('assign-idea')).depth;
    while ((await pending()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await unassigned()).toBe(0);
    expect((await t.services.repos.jobs.stats('assign-idea')).depth).toBe(0);
    expect(await t.count()).toBe(30);
    // Ten distinct changes, each tried three times.
    const page = (await (await t.get('/v1/records?limit=200')).json()) as any;
    expect(new Set(page.records.map((r: any) => r.idea_id)).size).toBe(10);
  });

  it('answers check from exact matches, flagged, while the API is down', async () => {
    fake.mode = 'error';
    const res = await t.post('/v1/ideas/check', { description: 'outage experiment 3: WARMDOWN_RATIO=0.3' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.embedding_degraded).toBe(true);
    fake.mode = 'ok';
  });
});
