// Self-checks of the fake OpenAI server: the real `openai` client must understand it, in both
// embedding encodings, and its faults (hang, error, fail, drop) must behave as documented.
import OpenAI, { APIConnectionError, InternalServerError } from 'openai';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeEmbedding, startFakeOpenAI, type FakeOpenAI } from '../../../helpers/fake-openai.ts';

let fake: FakeOpenAI;
let client: OpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAI({ baseURL: fake.url, apiKey: 'test-key', maxRetries: 0, timeout: 5_000 });
});
afterEach(() => fake.close());

const post = (path: string, body: unknown) => fetch(fake.url.replace(/\/v1$/, '') + path, { method: 'POST', body: JSON.stringify(body) });
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('fake OpenAI: embeddings', () => {
  it('answers base64 when the client picks it (its default) and the client decodes it', async () => {
    const decoded = await client.embeddings.create({ model: 'm', input: ['raise the learning rate'] });
    const float = await client.embeddings.create({ model: 'm', input: ['raise the learning rate'], encoding_format: 'float' });
    expect(fake.requests.map((r) => r.body.encoding_format)).toEqual(['base64', 'float']);
    expect(decoded.data[0].embedding).toEqual(float.data[0].embedding);
    expect(float.data[0].embedding).toEqual(fakeEmbedding('raise the learning rate', 64));
    expect(fake.requests[0].headers.authorization).toBe('Bearer test-key');
  });

  it('answers in the real shape, with the requested dimensions, on /v1 and bare paths', async () => {
    const res = await post('/embeddings', { model: 'm', input: 'one text', dimensions: 8, encoding_format: 'float' });
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ object: 'list', model: 'm', usage: { prompt_tokens: 2, total_tokens: 2 } });
    expect(body.data).toEqual([{ object: 'embedding', index: 0, embedding: fakeEmbedding('one text', 8) }]);
    expect((await post('/v1/embeddings', { model: 'm', input: ['a', 'b'] })).status).toBe(200);
    expect((await post('/v1/nowhere', {})).status).toBe(404);
    expect((await post('/v1/embeddings', { model: 'm', input: [] })).status).toBe(400);
  });

  it('gives texts that share words similar vectors', () => {
    const a = fakeEmbedding('increase warmup steps for the optimizer', 256);
    const b = fakeEmbedding('increase warmup steps', 256);
    const c = fakeEmbedding('switch activation to swiglu', 256);
    expect(cosine(a, b)).toBeGreaterThan(0.5);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.3);
  });
});

describe('fake OpenAI: chat completions', () => {
  it('answers scripted responses through the real client and records the requests', async () => {
    fake.chat.push('first answer');
    fake.chat.push((req) => `you said: ${req.messages.at(-1)?.content}`, { latencyMs: 50 });
    const messages = [{ role: 'user' as const, content: 'hello' }];
    const first = await client.chat.completions.create({ model: 'gpt-test', messages });
    const started = Date.now();
    const second = await client.chat.completions.create({ model: 'gpt-test', messages });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(first).toMatchObject({ object: 'chat.completion', model: 'gpt-test', choices: [{ index: 0, finish_reason: 'stop' }] });
    expect(first.choices[0].message).toMatchObject({ role: 'assistant', content: 'first answer' });
    expect(second.choices[0].message.content).toBe('you said: hello');
    expect(second.usage?.total_tokens).toBeGreaterThan(0);
    expect(fake.chat.requests().map((r) => r.messages)).toEqual([messages, messages]);
  });

  it('fails at once, unretried, when no response is scripted or the script throws', async () => {
    const retrying = new OpenAI({ baseURL: fake.url, apiKey: 'k', maxRetries: 2 });
    const ask = () => retrying.chat.completions.create({ model: 'm', messages: [] }).catch((e) => e);
    const unscripted = await ask();
    expect(unscripted).toBeInstanceOf(InternalServerError);
    expect(unscripted.message).toMatch(/no scripted chat response/);
    fake.chat.push(() => {
      throw new Error('boom');
    });
    expect((await ask()).message).toMatch(/boom/);
    expect(fake.requests).toHaveLength(2);
  });
});

describe('fake OpenAI: faults', () => {
  it('hangs, then errors the held request, then recovers', async () => {
    fake.mode = 'hang';
    const held = post('/v1/embeddings', { model: 'm', input: 'x' });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    fake.errorStatus = 429;
    fake.mode = 'error';
    const res = await held;
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded' } });
    fake.mode = 'ok';
    expect((await post('/v1/embeddings', { model: 'm', input: 'x' })).status).toBe(200);
  });

  it('answers held requests normally when the hang ends', async () => {
    fake.mode = 'hang';
    const held = client.embeddings.create({ model: 'm', input: 'x', encoding_format: 'float' });
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    fake.mode = 'ok';
    expect((await held).data).toHaveLength(1);
  });

  it('drops held connections like a crashing server', async () => {
    fake.mode = 'hang';
    const held = client.embeddings.create({ model: 'm', input: 'x' }).catch((e) => e);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    fake.dropHanging();
    expect(await held).toBeInstanceOf(APIConnectionError);
  });

  it('fails the next n requests with OpenAI error bodies, then answers', async () => {
    fake.fail(2, 401);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post('/v1/chat/completions', {})).status);
    expect(statuses).toEqual([401, 401, 400]);
    fake.fail(1);
    const res = await post('/v1/embeddings', { model: 'm', input: 'x' });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: null } });
  });

  it('closes promptly while a request hangs', async () => {
    fake.mode = 'hang';
    const held = post('/v1/embeddings', { model: 'm', input: 'x' }).catch((e) => e);
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1));
    await fake.close();
    expect(await held).toBeInstanceOf(Error);
  });
});
