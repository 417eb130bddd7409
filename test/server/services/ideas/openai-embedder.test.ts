// The OpenAI-compatible embedder against the local fake server: batching and order, checks,
// normalisation, error classification (retryable or not); embedder-config.test.ts: the environment.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbedderError } from '../../../../server/services/ideas/embedder.ts';
import { openAIEmbedder, type OpenAIEmbedderOptions } from '../../../../server/services/ideas/openai-embedder.ts';
import { fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from '../../../helpers/fake-openai.ts';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI({ normalize: false });
});
afterEach(() => fake.close());

const embedder = (opts: Partial<OpenAIEmbedderOptions> = {}) =>
  openAIEmbedder({ baseURL: fake.url, model: 'text-embedding-3-small', dimensions: 32, maxRetries: 0, ...opts });
const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
const embedError = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected an EmbedderError'),
    (e: unknown) => {
      expect(e).toBeInstanceOf(EmbedderError);
      return e as EmbedderError;
    },
  );

describe('openAIEmbedder', () => {
  it('batches 300 inputs into 3 requests and keeps their order', async () => {
    const texts = Array.from({ length: 300 }, (_, i) => `experiment ${i} tweaks layer ${i % 7}`);
    const vectors = await embedder({ dimensions: 256 }).embed(texts);
    expect(fake.requests.map((r) => r.body.input.length)).toEqual([128, 128, 44]);
    expect(fake.requests[2].body.input[0]).toBe(texts[256]);
    expect(vectors).toHaveLength(300);
    vectors.forEach((v, i) => expectClose(v, unit(fakeEmbedding(texts[i], 256, false))));
  });

  it('orders vectors by their index, not their position in the answer', async () => {
    const [a, b] = [fakeEmbedding('alpha', 32), fakeEmbedding('beta', 32)];
    fake.replyNext({
      object: 'list',
      data: [
        { index: 1, embedding: b },
        { index: 0, embedding: a },
      ],
      model: 'm',
    });
    const vectors = await embedder().embed(['alpha', 'beta']);
    expectClose(vectors[0], a);
    expectClose(vectors[1], b);
  });

  it('forwards dimensions, asks for floats and returns unit vectors of that size', async () => {
    const e = embedder({ dimensions: 48, apiKey: 'sk-test' });
    expect(e).toMatchObject({ model: 'openai:text-embedding-3-small:48', dimensions: 48 });
    const [v] = await e.embed(['more warmup, more warmup, less dropout']);
    expect(fake.requests[0].body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 48, encoding_format: 'float' });
    expect(fake.requests[0].headers.authorization).toBe('Bearer sk-test');
    expect(v).toHaveLength(48);
    expect(Math.hypot(...v)).toBeCloseTo(1, 10);
  });

  it("knows the sizes of OpenAI models, and declares but does not send other models' sizes", async () => {
    expect(openAIEmbedder({ model: 'text-embedding-3-large' })).toMatchObject({
      model: 'openai:text-embedding-3-large:3072',
      dimensions: 3072,
    });
    expect(openAIEmbedder({ model: 'text-embedding-ada-002' }).dimensions).toBe(1536);
    expect(() => openAIEmbedder({ model: 'nomic-embed-text' })).toThrow(/nomic-embed-text.*pass dimensions/);
    await embedder({ model: 'nomic-embed-text', dimensions: 64 }).embed(['local model']);
    expect(fake.requests[0].body).not.toHaveProperty('dimensions');
    expect(fake.requests[0].headers.authorization).toBe('Bearer unused');
  });

  it('sends nothing for no texts', async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('makes 503 and 429 retryable errors', async () => {
    fake.mode = 'error';
    const e503 = await embedError(embedder().embed(['x']));
    expect(e503.retryable).toBe(true);
    expect(e503.message).toMatch(/503/);
    fake.mode = 'ok';
    fake.fail(1, 429);
    expect((await embedError(embedder().embed(['x']))).retryable).toBe(true);
  });

  it('makes 400, 401 and 404 errors not retryable', async () => {
    for (const status of [400, 401, 404]) {
      fake.fail(1, status);
      const err = await embedError(embedder().embed(['x']));
      expect(err.retryable).toBe(false);
      expect(err.message).toContain(String(status));
    }
  });

  it('lets the client retry a transient failure itself (maxRetries)', async () => {
    fake.fail(1, 503);
    expect(await embedder({ maxRetries: 1 }).embed(['x'])).toHaveLength(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('times out on a hanging server with a retryable error', async () => {
    fake.mode = 'hang';
    const started = Date.now();
    const err = await embedError(embedder({ timeoutMs: 200 }).embed(['x']));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/timed out/i);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('makes an unreachable server a retryable error', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const err = await embedError(openAIEmbedder({ baseURL: gone.url, model: 'm', dimensions: 8, maxRetries: 0 }).embed(['x']));
    expect(err.retryable).toBe(true);
  });

  it('rejects malformed answers as not retryable, saying what was wrong', async () => {
    const cases: [unknown, RegExp][] = [
      [{ object: 'list', data: [{ index: 0, embedding: fakeEmbedding('x', 32) }] }, /expected 2 vectors, got 1/],
      [{ object: 'list', data: [0, 1].map((index) => ({ index, embedding: [1, 2, 3] })) }, /expected vectors of 32 dimensions, got 3/],
      [{ object: 'list', data: [0, 0].map((index) => ({ index, embedding: fakeEmbedding('x', 32) })) }, /repeated index 0/],
      [{ object: 'list', data: [0, 1].map((index) => ({ index, embedding: new Array(32).fill(0) })) }, /zero or not finite/],
      [{ error: 'nope' }, /no data array/],
    ];
    for (const [body, message] of cases) {
      fake.replyNext(body);
      const err = await embedError(embedder().embed(['x', 'y']));
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(message);
    }
  });

  it('rejects an answer of the wrong dimension for a model of known size', async () => {
    // The fake answers 64 dimensions when none are asked for; text-embedding-3-small has 1536.
    const err = await embedError(embedder({ dimensions: undefined }).embed(['x']));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/expected vectors of 1536 dimensions, got 64/);
  });
});

function expectClose(actual: number[], expected: number[]) {
  expect(actual).toHaveLength(expected.length);
  expect(Math.max(...actual.map((x, i) => Math.abs(x - expected[i])))).toBeLessThan(1e-6);
}
