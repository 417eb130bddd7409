// embedderFromEnv: the local embedder by default, an OpenAI-compatible one (here the local fake
// server) from the environment, and bad values refused naming the variable.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { embedderFromEnv } from '../../../../server/services/ideas/embedder-config.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../../../helpers/fake-openai.ts';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI({ normalize: false });
});
afterEach(() => fake.close());

describe('embedderFromEnv', () => {
  it('picks the local embedder by default', () => {
    for (const env of [{}, { CROSSFORK_EMBEDDINGS: 'local' }]) {
      const e = embedderFromEnv(env);
      expect(e.model).not.toMatch(/^openai:/);
      expect(e.dimensions).toBe(256);
    }
  });

  it('builds an OpenAI-compatible embedder from the environment', async () => {
    const e = embedderFromEnv({
      CROSSFORK_EMBEDDINGS: 'openai',
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: 'sk-env',
      CROSSFORK_EMBEDDING_MODEL: 'nomic-embed-text',
      CROSSFORK_EMBEDDING_DIMENSIONS: '64',
      CROSSFORK_EMBEDDING_BATCH: '2',
      CROSSFORK_EMBEDDING_TIMEOUT_MS: '1000',
    });
    expect(e).toMatchObject({ model: 'openai:nomic-embed-text:64', dimensions: 64 });
    expect(await e.embed(['a', 'b', 'c'])).toHaveLength(3);
    expect(fake.requests.map((r) => r.body.input)).toEqual([['a', 'b'], ['c']]);
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-env');
  });

  it('defaults to text-embedding-3-small', () => {
    expect(embedderFromEnv({ CROSSFORK_EMBEDDINGS: 'openai' }).model).toBe('openai:text-embedding-3-small:1536');
  });

  it('rejects bad values, naming the variable', () => {
    const openai = { CROSSFORK_EMBEDDINGS: 'openai' };
    expect(() => embedderFromEnv({ CROSSFORK_EMBEDDINGS: 'cohere' })).toThrow(/CROSSFORK_EMBEDDINGS/);
    for (const bad of ['abc', '0', '-3', '1.5', '12px']) {
      expect(() => embedderFromEnv({ ...openai, CROSSFORK_EMBEDDING_DIMENSIONS: bad })).toThrow(/CROSSFORK_EMBEDDING_DIMENSIONS/);
    }
    expect(() => embedderFromEnv({ ...openai, CROSSFORK_EMBEDDING_BATCH: '0' })).toThrow(/CROSSFORK_EMBEDDING_BATCH/);
    expect(() => embedderFromEnv({ ...openai, CROSSFORK_EMBEDDING_TIMEOUT_MS: 'soon' })).toThrow(/CROSSFORK_EMBEDDING_TIMEOUT_MS/);
    expect(() => embedderFromEnv({ ...openai, CROSSFORK_EMBEDDING_MODEL: 'bge-m3' })).toThrow(/CROSSFORK_EMBEDDING_DIMENSIONS.*bge-m3/);
  });
});
