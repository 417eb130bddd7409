// An Embedder over any OpenAI-compatible /embeddings endpoint (OpenAI, Ollama, vLLM, llama.cpp):
// batched, order-preserving, checked and L2-normalised; failures become EmbedderError.
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { EmbedderError, type Embedder } from './embedder.ts';

export interface OpenAIEmbedderOptions {
  baseURL?: string;
  /** Absent for local servers that need none. */
  apiKey?: string;
  model: string;
  /** Cosine range where neighbours count (KNOWN_CALIBRATIONS for known models). */
  calibration?: { floor: number; full: number };
  /** Required unless the model is one of KNOWN_DIMENSIONS. */
  dimensions?: number;
  batchSize?: number;
  timeoutMs?: number;
  /** The client's own quick retries; the job queue retries later with backoff. */
  maxRetries?: number;
}

/** Native vector sizes of OpenAI's embedding models, and of those embeddings/server.py serves. */
export const KNOWN_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
  'all-MiniLM-L6-v2': 384,
  'bge-small-en-v1.5': 384,
};

/**
 * Cosine ranges where neighbours count (retrieval.ts), per model: sentence models place
 * paraphrases at lower cosines than the local hashed features do. Others take the default.
 */
export const KNOWN_CALIBRATIONS: Readonly<Record<string, { floor: number; full: number }>> = {
  'all-MiniLM-L6-v2': { floor: 0.35, full: 0.75 },
  'bge-small-en-v1.5': { floor: 0.55, full: 0.85 },
  'text-embedding-3-small': { floor: 0.35, full: 0.7 },
  'text-embedding-3-large': { floor: 0.35, full: 0.7 },
};

export function openAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const { model, batchSize = 128, timeoutMs = 30_000, maxRetries = 2 } = opts;
  const dimensions = opts.dimensions ?? KNOWN_DIMENSIONS[model];
  if (dimensions === undefined) {
    throw new Error(`openAIEmbedder: the vector size of model "${model}" is not known; pass dimensions`);
  }
  const limits = [
    ['dimensions', dimensions, 1],
    ['batchSize', batchSize, 1],
    ['timeoutMs', timeoutMs, 1],
    ['maxRetries', maxRetries, 0],
  ] as const;
  for (const [name, value, min] of limits) {
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`openAIEmbedder: ${name} must be an integer ≥ ${min}, got ${value}`);
    }
  }
  const baseURL = opts.baseURL ?? 'https://api.openai.com/v1';
  // Explicit values, so the client does not fall back to process.env; local servers ignore the key.
  const client = new OpenAI({ baseURL, apiKey: opts.apiKey ?? 'unused', timeout: timeoutMs, maxRetries });
  // Only the text-embedding-3 models can shorten their vectors; vLLM answers 400 to `dimensions`
  // for models without Matryoshka support (even at their native size), so others get none.
  const sendDimensions = opts.dimensions !== undefined && model.startsWith('text-embedding-3-');

  async function embedBatch(input: string[]): Promise<number[][]> {
    let response: unknown;
    try {
      response = await client.embeddings.create({
        model,
        input,
        encoding_format: 'float',
        ...(sendDimensions ? { dimensions } : {}),
      });
    } catch (err) {
      throw requestError(err, baseURL, model);
    }
    return checkedVectors(response, input.length, dimensions);
  }

  return {
    model: `openai:${model}:${dimensions}`,
    dimensions,
    calibration: opts.calibration ?? KNOWN_CALIBRATIONS[model],
    async embed(texts) {
      const vectors: number[][] = [];
      for (let start = 0; start < texts.length; start += batchSize) {
        vectors.push(...(await embedBatch(texts.slice(start, start + batchSize))));
      }
      return vectors;
    },
  };
}

/** Timeouts, connection failures, 408/409/429/5xx are worth retrying; other statuses are not. */
function requestError(err: unknown, baseURL: string, model: string): EmbedderError {
  const what = `embedding request to ${baseURL} (model ${model})`;
  if (err instanceof APIConnectionError) {
    return new EmbedderError(`${what} failed: ${err.message}`, true, { cause: err });
  }
  if (err instanceof APIError && err.status !== undefined) {
    const s = err.status;
    const retryable = s === 408 || s === 409 || s === 429 || s >= 500;
    return new EmbedderError(`${what} failed: ${err.message}`, retryable, { cause: err });
  }
  // Invalid JSON is a malformed answer; anything else (say, a body cut off mid-read) is transient.
  const malformed = err instanceof SyntaxError;
  return new EmbedderError(`${what} failed: ${malformed ? 'malformed answer: ' : ''}${String(err)}`, !malformed, { cause: err });
}

/** The answer's vectors in input order, unit length; a malformed answer is not retryable. */
function checkedVectors(response: unknown, count: number, dimensions: number): number[][] {
  const malformed = (why: string) => new EmbedderError(`malformed embeddings answer: ${why}`, false);
  const data = (response as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw malformed('no data array');
  if (data.length !== count) throw malformed(`expected ${count} vectors, got ${data.length}`);
  const vectors: number[][] = new Array(count);
  for (const item of data) {
    const index: unknown = item?.index;
    const embedding: unknown = item?.embedding;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= count || vectors[index]) {
      throw malformed(`bad or repeated index ${JSON.stringify(index)}`);
    }
    if (!Array.isArray(embedding) || embedding.length !== dimensions) {
      const got = Array.isArray(embedding) ? `${embedding.length} dimensions` : typeof embedding;
      throw malformed(`expected vectors of ${dimensions} dimensions, got ${got} at index ${index}`);
    }
    vectors[index] = normalised(embedding, () => malformed(`vector ${index} is zero or not finite`));
  }
  return vectors;
}

function normalised(vector: unknown[], invalid: () => Error): number[] {
  let sum = 0;
  for (const x of vector) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw invalid();
    sum += x * x;
  }
  const norm = Math.sqrt(sum);
  if (norm === 0) throw invalid();
  return (vector as number[]).map((x) => x / norm);
}
