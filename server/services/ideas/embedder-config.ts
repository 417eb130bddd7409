// Picks the Embedder from the environment: the built-in local one (default) or an
// OpenAI-compatible endpoint (CROSSFORK_EMBEDDINGS=openai).
import type { Embedder } from './embedder.ts';
import { localEmbedder } from './local-embedder.ts';
import { KNOWN_DIMENSIONS, openAIEmbedder } from './openai-embedder.ts';

export function embedderFromEnv(env: NodeJS.ProcessEnv = process.env): Embedder {
  const kind = env.CROSSFORK_EMBEDDINGS || 'local';
  if (kind === 'local') return localEmbedder();
  if (kind !== 'openai') {
    throw new Error(`CROSSFORK_EMBEDDINGS must be "local" or "openai", got ${JSON.stringify(kind)}`);
  }
  const model = env.CROSSFORK_EMBEDDING_MODEL || 'text-embedding-3-small';
  const dimensions = positiveInt(env, 'CROSSFORK_EMBEDDING_DIMENSIONS');
  if (dimensions === undefined && KNOWN_DIMENSIONS[model] === undefined) {
    throw new Error(`CROSSFORK_EMBEDDING_DIMENSIONS must be set: the vector size of model "${model}" is not known`);
  }
  return openAIEmbedder({
    baseURL: env.OPENAI_BASE_URL || undefined,
    apiKey: env.OPENAI_API_KEY || undefined,
    model,
    dimensions,
    batchSize: positiveInt(env, 'CROSSFORK_EMBEDDING_BATCH') ?? 128,
    timeoutMs: positiveInt(env, 'CROSSFORK_EMBEDDING_TIMEOUT_MS') ?? 30_000,
  });
}

function positiveInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}
