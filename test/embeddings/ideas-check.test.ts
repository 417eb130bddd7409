// crossfork's OpenAI-compatible embedder against the project's embedding service (a real
// sentence-embedding model): records are embedded with it and `POST /v1/ideas/check` answers.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.ts';
import { drivers } from '../helpers/db.ts';
import { embeddingServiceAvailable, startEmbeddingServer, type EmbeddingServer } from '../helpers/embedding-server.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../helpers/records.ts';
import { embedderFromEnv } from '../../server/services/ideas/embedder-config.ts';
import { queryRows } from '../../server/db/rows.ts';
import type { Database } from '../../server/db/client.ts';

const RTX4090 = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 } as const;
const available = embeddingServiceAvailable();

it('the served models need no CROSSFORK_EMBEDDING_DIMENSIONS', () => {
  for (const model of ['all-MiniLM-L6-v2', 'bge-small-en-v1.5']) {
    const e = embedderFromEnv({
      CROSSFORK_EMBEDDINGS: 'openai',
      OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      CROSSFORK_EMBEDDING_MODEL: model,
    });
    expect(e.dimensions).toBe(384);
    expect(e.model).toBe(`openai:${model}:384`);
  }
});

describe.skipIf(!available)('crossfork with all-MiniLM-L6-v2 from embeddings/server.py', () => {
  let server: EmbeddingServer;
  const env = () => ({ CROSSFORK_EMBEDDINGS: 'openai', OPENAI_BASE_URL: server.url, CROSSFORK_EMBEDDING_MODEL: 'all-MiniLM-L6-v2' });

  beforeAll(async () => {
    server = await startEmbeddingServer(['--models', 'all-MiniLM-L6-v2']);
  }, 180_000);
  afterAll(() => server?.stop());

  it('the embedder gets unit vectors of the model’s size, paraphrases closest', async () => {
    const embedder = embedderFromEnv(env());
    const texts = ['swap the ReLU squared activation for GELU', 'use GeLU instead of relu^2', 'book a flight to Lisbon'];
    const [a, b, c] = await embedder.embed(texts);
    for (const v of [a, b, c]) {
      expect(v).toHaveLength(384);
      expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-6);
    }
    const cos = (x: number[], y: number[]) => x.reduce((s, xi, i) => s + xi * y[i], 0);
    expect(cos(a, b)).toBeGreaterThan(0.8);
    expect(cos(a, c)).toBeLessThan(0.3);
  });

  describe.each(drivers)('on $name', (driver) => {
    let database: Database;
    let t: ReturnType<typeof testApp>;
    const alice = newSigner('alice');
    const bob = newSigner('bob');
    const descriptions = [
      'tie the token embedding and the LM head weights',
      'swap the ReLU squared activation for GELU',
      'raise MATRIX_LR from 0.04 to 0.06',
      'add dropout of 0.1 after attention',
      'use a sequence length curriculum from 256 to 2048 tokens',
    ];

    beforeAll(async () => {
      database = await driver.open();
      t = testApp(database, { embedder: embedderFromEnv(env()) });
      await t.init();
      const records = descriptions.map((description, i) =>
        envelope(makePayload({ description, diff: null, hardware: RTX4090, status: i % 2 ? 'discard' : 'keep' }), i % 2 ? bob : alice),
      );
      const res = await t.post('/v1/records/batch', { records });
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).results.every((r: any) => r.status === 'created')).toBe(true);
      expect(await t.drain()).toBe(descriptions.length);
    }, 120_000);
    afterAll(() => database?.close());

    it('embeds every record with the model and assigns its idea', async () => {
      const rows = await queryRows<{ model: string; n: number; dims: number }>(
        database.db,
        sql`SELECT model, count(*)::int AS n, max(vector_dims(embedding))::int AS dims FROM record_embeddings GROUP BY model`,
      );
      expect(rows).toEqual([{ model: 'openai:all-MiniLM-L6-v2:384', n: descriptions.length, dims: 384 }]);
      const page = (await (await t.get('/v1/records?limit=50')).json()) as any;
      expect(page.records).toHaveLength(descriptions.length);
      expect(page.records.every((r: any) => typeof r.idea_id === 'string')).toBe(true);
    });

    it('check answers from the model’s vectors: a stored wording first, a paraphrase found', async () => {
      const check = async (description: string) => {
        const res = await t.post('/v1/ideas/check', { description, hardware: RTX4090, harness_id: HARNESS_ID });
        expect(res.status).toBe(200);
        const body = (await res.json()) as any;
        expect(body.embedding_degraded).toBe(false);
        return body;
      };
      const same = await check(descriptions[4]);
      expect(same.matches[0].description).toBe(descriptions[4]);
      const paraphrase = await check('use GeLU instead of relu^2');
      expect(paraphrase.matches.map((m: any) => m.description)).toContain(descriptions[1]);
      expect(paraphrase.matches[0].description).toBe(descriptions[1]);
    });
  });
});
