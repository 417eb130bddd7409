// Findings benchmark over the real fork logs (../shared/corpus): paraphrase retrieval against a
// BM25 baseline computed in the same run, a replay of the forks in seeded orders (does `check`
// warn before experiments that then fail?), and the verdict invariants over random evidence.
//   npm run bench -- findings [--parts paraphrases,replay,invariants] [--embedder local|openai|minilm|bge]
//                             [--driver pglite|postgres] [--orders 5] [--json FILE]
// `openai` reads OPENAI_BASE_URL / CROSSFORK_EMBEDDING_MODEL / CROSSFORK_EMBEDDING_DIMENSIONS;
// `minilm` and `bge` start the project's embedding service (embeddings/) from .venv.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Embedder } from '../../server/services/ideas/embedder.ts';
import { localEmbedder } from '../../server/services/ideas/local-embedder.ts';
import { embedderFromEnv } from '../../server/services/ideas/embedder-config.ts';
import { corpusPresent, CORPUS_DIR } from './corpus.ts';
import { runInvariants } from './invariants.ts';
import { paraphrasesPart } from './paraphrases.ts';
import { replayPart } from './replay.ts';
import type { Options } from './world.ts';

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      parts: { type: 'string', default: 'paraphrases,replay,invariants' },
      embedder: { type: 'string', default: 'local' },
      driver: { type: 'string', default: 'pglite' },
      orders: { type: 'string', default: '5' },
      json: { type: 'string' },
    },
  });
  const parts = new Set(values.parts!.split(','));
  const out: Record<string, unknown> = { bench: 'findings', embedder: values.embedder, driver: values.driver };
  if (parts.has('invariants')) out.invariants = invariantsPart();
  if ((parts.has('paraphrases') || parts.has('replay')) && !corpusPresent()) {
    console.log(`findings bench: ${CORPUS_DIR} is absent; paraphrase and replay parts skipped`);
  } else {
    const o: Options = { embedder: values.embedder!, driver: values.driver!, orders: Number(values.orders) };
    const { embedder, stop } = await makeEmbedder(o.embedder);
    try {
      if (parts.has('paraphrases')) out.paraphrases = await paraphrasesPart(o, embedder);
      if (parts.has('replay')) out.replay = await replayPart(o, embedder);
    } finally {
      await stop();
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out));
}

async function makeEmbedder(kind: string): Promise<{ embedder: Embedder; stop: () => Promise<void> }> {
  if (kind === 'local') return { embedder: localEmbedder(), stop: async () => {} };
  if (kind === 'openai') return { embedder: embedderFromEnv({ ...process.env, CROSSFORK_EMBEDDINGS: 'openai' }), stop: async () => {} };
  const model = kind === 'minilm' ? 'all-MiniLM-L6-v2' : kind === 'bge' ? 'bge-small-en-v1.5' : null;
  if (!model) throw new Error(`--embedder must be local, openai, minilm or bge, got ${kind}`);
  const { startEmbeddingServer } = await import('../../test/helpers/embedding-server.ts');
  const server = await startEmbeddingServer(['--models', model]);
  const embedder = embedderFromEnv({
    CROSSFORK_EMBEDDINGS: 'openai',
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: 'none',
    CROSSFORK_EMBEDDING_MODEL: model,
  });
  return { embedder, stop: async () => void (await server.stop()) };
}

function invariantsPart() {
  const r = runInvariants(10_000, 20261201);
  console.log(`invariants: ${r.violations} violations over ${r.runs} random evidence sets${r.first ? ` (first: ${r.first})` : ''}`);
  return r;
}
