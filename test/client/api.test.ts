// The shared typed client (client/api.ts) against the real app, in process: typed calls reach the
// declared routes, empty query values are not sent, path segments are encoded, and bad input gets
// the same problem documents as a hand-made request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactQuery, createApi, segment, type Api, type JsonOf } from '../../client/api.ts';
import { drivers } from '../helpers/db.ts';
import { testApp } from '../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../helpers/records.ts';
import type { Database } from '../../server/db/client.ts';

const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;

describe.each(drivers)('typed API client on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  let api: Api;

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    api = createApi('http://crossfork.test', async (input, init) => t.app.request(input, init));
  });
  afterAll(() => database?.close());

  it('publishes a batch and reads the record back through typed calls', async () => {
    const env = envelope(makePayload({ hardware: H100 }), newSigner('client'));
    const posted = await api.v1.records.batch.$post({ json: { records: [env] } as JsonOf<Api['v1']['records']['batch']['$post']> });
    if (posted.status !== 200) throw new Error(`batch answered ${posted.status}`);
    const [item] = (await posted.json()).results;
    expect(item.status).toBe('created');
    const id = (item as { id: string }).id;

    const one = await api.v1.records[':id'].$get({ param: { id: segment(id) } });
    expect(one.status).toBe(200);
    if (one.status === 200) expect((await one.json()).id).toBe(id);

    // `status: ''` would be a 400 (not one of keep | discard | crash): compactQuery leaves it out.
    const page = await api.v1.records.$get({ query: compactQuery({ harness: HARNESS_ID, status: '', limit: 5 }) });
    expect(page.status).toBe(200);
    if (page.status === 200) expect((await page.json()).records.map((r) => r.id)).toEqual([id]);
  });

  it('encodes path segments, which hc itself puts in the path as they are', () => {
    expect(api.v1.records[':id'].$url({ param: { id: segment('a/b?c') } }).pathname).toBe('/v1/records/a%2Fb%3Fc');
  });

  it('bad query and body input: the problems a hand-made request gets', async () => {
    const typed = await api.v1.leaderboard.$get({ query: { harness: 'nope' } });
    const raw = await t.get('/v1/leaderboard?harness=nope');
    expect(typed.status).toBe(400);
    expect(typed.headers.get('content-type')).toContain('application/problem+json');
    expect(await typed.json()).toEqual(await raw.json());

    const cls = await api.v1.hardware.class.$post({ json: { hardware: H100 } });
    expect(cls.status).toBe(200);
    if (cls.status === 200) expect((await cls.json()).hardware_class).toMatch(/H100/);
    const bad = await api.v1.hardware.class.$post({ json: { hardware: { ...H100, device_name: '' }, extra: 1 } as never });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({
      type: 'https://crossfork.dev/problems/invalid-body',
      errors: expect.arrayContaining([{ path: '(root)', message: 'unknown field(s): extra' }]),
    });
  });
});
