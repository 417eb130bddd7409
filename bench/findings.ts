// Findings benchmark over the real fork logs (../shared/corpus): paraphrase retrieval against a
// BM25 baseline computed in the same run, a replay of the forks in seeded orders (does `check`
// warn before experiments that then fail?), and the verdict invariants over random evidence.
//   npm run bench -- findings [--parts paraphrases,replay,invariants] [--embedder local|openai|minilm|bge]
//                             [--driver pglite|postgres] [--orders 5] [--json FILE]
// `openai` reads OPENAI_BASE_URL / CROSSFORK_EMBEDDING_MODEL / CROSSFORK_EMBEDDING_DIMENSIONS;
// `minilm` and `bge` start the project's embedding service (embeddings/) from .venv.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../server/db/client.ts';
import { createServices, type Services } from '../server/services/container.ts';
import type { Embedder } from '../server/services/ideas/embedder.ts';
import { localEmbedder } from '../server/services/ideas/local-embedder.ts';
import { embedderFromEnv } from '../server/services/ideas/embedder-config.ts';
import { decide, WARNING_VERDICTS, type Verdict } from '../server/services/ideas/verdict.ts';
import { ideaFeatures } from '../server/services/ideas/features.ts';
import { envelope, newSigner } from '../test/helpers/records.ts';
import { benchDatabaseUrl } from './databases.ts';
import { Bm25 } from './findings/bm25.ts';
import { corpusPresent, CORPUS_DIR, CORPUS_HARNESS, loadCorpus, shuffled, type CorpusFork, type CorpusRow } from './findings/corpus.ts';
import { runInvariants } from './findings/invariants.ts';
import { loadEvalSet, type EvalQuery } from './findings/eval-set.ts';

interface Options {
  embedder: string;
  driver: string;
  orders: number;
}

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
  const { startEmbeddingServer } = await import('../test/helpers/embedding-server.ts');
  const server = await startEmbeddingServer(['--models', model]);
  const embedder = embedderFromEnv({
    CROSSFORK_EMBEDDINGS: 'openai',
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: 'none',
    CROSSFORK_EMBEDDING_MODEL: model,
  });
  return { embedder, stop: async () => void (await server.stop()) };
}

/** A fresh database with the corpus forks in `forks` published (each fork signs with its own key). */
async function world(o: Options, embedder: Embedder, name: string) {
  const database: Database =
    o.driver === 'postgres'
      ? await openDatabase({ url: await benchDatabaseUrl(name), maxConnections: 4 })
      : await openDatabase({ dataDir: 'memory://' });
  const services = createServices({ database, embedder, rateLimitWrites: 0 });
  await services.ideas.init();
  const refs = new Map<string, string>(); // record id → file:line
  const publish = async (fork: CorpusFork) => {
    const signer = newSigner(fork.file);
    const envs = fork.rows.map((r) => envelope(r.payload, signer));
    for (let i = 0; i < envs.length; i += 500) {
      const items = await services.records.submitBatch({ records: envs.slice(i, i + 500) });
      items.forEach((it, j) => {
        if (it.status === 'rejected') throw new Error(`${fork.rows[i + j].ref} rejected: ${JSON.stringify(it.error)}`);
        if (it.id) refs.set(it.id, fork.rows[i + j].ref);
      });
    }
    await services.assignments.drain();
  };
  return { database, services, refs, publish, close: () => database.close() };
}

/** The idea of every published record, as file:line → idea id. */
async function ideasOfRefs(services: Services, refs: Map<string, string>): Promise<Map<string, string>> {
  const rows = await services.repos.records.findByIds([...refs.keys()]);
  return new Map(rows.filter((r) => r.ideaId).map((r) => [refs.get(r.id)!, r.ideaId!]));
}

interface Scores {
  n: number;
  hit1: number;
  hit5: number;
  precision5: number;
  mrr: number;
  answered: number;
  precision5_answered: number;
  precision5_micro: number;
}

function score(rankings: { relevant: boolean[] }[]): Scores {
  const n = rankings.length;
  let hit1 = 0,
    hit5 = 0,
    precision = 0,
    mrr = 0,
    answered = 0,
    returned = 0,
    relevantReturned = 0;
  for (const { relevant } of rankings) {
    const top = relevant.slice(0, 5);
    if (top[0]) hit1++;
    if (top.some(Boolean)) hit5++;
    if (top.length) answered++;
    precision += top.length ? top.filter(Boolean).length / top.length : 0;
    returned += top.length;
    relevantReturned += top.filter(Boolean).length;
    const first = top.indexOf(true);
    mrr += first >= 0 ? 1 / (first + 1) : 0;
  }
  const r = (x: number) => Number((x / Math.max(1, n)).toFixed(3));
  return {
    n,
    hit1: r(hit1),
    hit5: r(hit5),
    precision5: r(precision),
    mrr: r(mrr),
    answered,
    // Over the queries that got any answer, and over every returned match.
    precision5_answered: Number((precision / Math.max(1, answered)).toFixed(3)),
    precision5_micro: Number((relevantReturned / Math.max(1, returned)).toFixed(3)),
  };
}

async function paraphrasesPart(o: Options, embedder: Embedder) {
  const { queries, novel } = loadEvalSet();
  const forks = loadCorpus();
  const w = await world(o, embedder, 'crossfork_bench_findings');
  try {
    const t0 = performance.now();
    for (const f of forks) await w.publish(f);
    const ideaOf = await ideasOfRefs(w.services, w.refs);
    const all: CorpusRow[] = forks.flatMap((f) => f.rows);
    const bm25 = new Bm25(all.map((r) => r.payload.description));
    console.log(
      `paraphrases: ${all.length} corpus records in ${new Set(ideaOf.values()).size} ideas (${((performance.now() - t0) / 1000).toFixed(1)} s to publish and assign), ${queries.length} queries (${queries.filter((q) => q.hard).length} share no content word)`,
    );
    const engine: { q: EvalQuery; relevant: boolean[]; returned: string[] }[] = [];
    const baseline: { q: EvalQuery; relevant: boolean[] }[] = [];
    // The embedding alone: each query's nearest records, their ideas in order (what the vector
    // source contributes before fusion).
    const vectorOnly: { q: EvalQuery; relevant: boolean[] }[] = [];
    const space = { model: embedder.model, dimensions: embedder.dimensions };
    for (const q of queries) {
      const relevantIdeas = new Set(q.relevant.map((ref) => ideaOf.get(ref)).filter((x): x is string => !!x));
      const res = await w.services.ideas.check({ description: q.query, limit: 5 });
      engine.push({
        q,
        relevant: res.matches.map((m) => relevantIdeas.has(m.id)),
        returned: res.matches.map((m) => `${m.description.slice(0, 50)} {${m.why.text.slice(0, 60)}}`),
      });
      const [v] = await embedder.embed([ideaFeatures({ description: q.query, diff: null }).text]);
      const near = [...new Set((await w.services.repos.ideas.nearest(space, v, 30)).map((n) => n.ideaId))].slice(0, 5);
      vectorOnly.push({ q, relevant: near.map((id) => relevantIdeas.has(id)) });
      const rel = new Set(q.relevant);
      baseline.push({ q, relevant: bm25.search(q.query, 5).map((h) => rel.has(all[h.index].ref)) });
    }
    const groups: Record<string, (q: EvalQuery) => boolean> = {
      all: () => true,
      everyday: (q) => !q.hard,
      no_shared_word: (q) => q.hard,
      dev: (q) => q.split === 'dev',
      test: (q) => q.split === 'test',
    };
    const table: Record<string, { engine: Scores; bm25: Scores; vector_only: Scores }> = {};
    for (const [name, pick] of Object.entries(groups)) {
      table[name] = {
        engine: score(engine.filter((e) => pick(e.q))),
        bm25: score(baseline.filter((e) => pick(e.q))),
        vector_only: score(vectorOnly.filter((e) => pick(e.q))),
      };
    }
    console.log(
      '\n                n   hit@1          hit@5          precision@5    MRR            P@5 answered   P@5 of matches  (engine / BM25)',
    );
    for (const [name, t] of Object.entries(table)) {
      const cell = (k: keyof Scores) => `${t.engine[k].toFixed(3)} / ${t.bm25[k].toFixed(3)}`;
      console.log(
        `${name.padEnd(15)}${String(t.engine.n).padStart(3)}   ${cell('hit1')}  ${cell('hit5')}  ${cell('precision5')}  ${cell('mrr')}  ${cell('precision5_answered')}  ${cell('precision5_micro')}`,
      );
    }
    console.log(
      '(precision@5: relevant share of the returned matches per query, 0 when nothing came back; "answered": over queries with any match; "of matches": over all returned matches)',
    );
    console.log(
      `\nthe ${embedder.model} embedding alone (nearest records' ideas): ` +
        Object.entries(table)
          .map(([k, t]) => `${k} hit@5 ${t.vector_only.hit5.toFixed(3)}`)
          .join(', '),
    );
    // Queries about something nobody tried: every match returned is a false one.
    let falseMatches = 0;
    for (const q of novel) {
      const res = await w.services.ideas.check({ description: q.query, limit: 5 });
      if (res.matches.length) falseMatches++;
    }
    console.log(`\nnovel queries answered with any match: ${falseMatches} of ${novel.length}`);
    // Only the dev half is printed: tuning reads these; the test half is reported, not read.
    const misses = engine
      .filter((e) => e.q.split === 'dev' && !e.relevant.slice(0, 5).some(Boolean))
      .map((e) => ({ id: e.q.id, query: e.q.query, hard: e.q.hard, returned: e.returned }));
    if (process.env.FINDINGS_DEBUG) {
      for (const e of engine.filter((x) => x.q.split === 'dev' && x.relevant.some((r) => !r))) {
        console.log(`  imprecise ${e.q.id} "${e.q.query.slice(0, 70)}"`);
        e.returned.forEach((d, i) => console.log(`      ${e.relevant[i] ? '+' : '-'} ${d}`));
      }
    }
    console.log(`\ndev misses (no relevant idea in the top 5): ${misses.length}`);
    for (const m of misses.slice(0, 40))
      console.log(`  ${m.id}${m.hard ? ' [hard]' : ''} "${m.query}" → ${m.returned.length ? m.returned.join(' | ') : '(nothing)'}`);
    return { table, novel: { queries: novel.length, answered_with_matches: falseMatches }, misses };
  } finally {
    await w.close();
  }
}

/**
 * Warning settings swept by the replay: which matches count (by score), and how many failures
 * on hardware like the caller's (its class and family) a failed_nearby warning needs.
 * known_bad and crashes_here always warn.
 */
const SETTINGS = [0.5, 0.8].flatMap((minScore) =>
  [1, 2].flatMap((minNear) =>
    [false, true].map((worse) => ({
      minScore,
      minNear,
      worse,
      name: `score≥${minScore}, ≥${minNear} near failure${minNear > 1 ? 's' : ''}${worse ? ', clearly worse' : ''}`,
    })),
  ),
);

async function replayPart(o: Options, embedder: Embedder) {
  const forks = loadCorpus().filter((f) => f.rows.length > 0);
  const seeds = Array.from({ length: o.orders }, (_, i) => 1000 + i);
  const tally = SETTINGS.map(() => ({ warnedFailed: 0, warnedKept: 0, warned: 0 }));
  let rows = 0,
    failed = 0,
    kept = 0,
    shown = 0;
  const defaults: Record<string, number> = {};
  const failedBy: Record<string, number> = {};
  let warnedDefault = 0,
    warnedDefaultFailed = 0;
  for (const seed of seeds) {
    const w = await world(o, embedder, `crossfork_bench_replay`);
    try {
      for (const fork of shuffled(forks, seed)) {
        for (const r of fork.rows) {
          const g = await w.services.ideas.gather({
            description: r.payload.description,
            harness_id: CORPUS_HARNESS,
            hardware: fork.hardware,
            limit: 5,
          });
          const fails = r.row.status !== 'keep';
          rows++;
          failed += +fails;
          kept += +!fails;
          if (g.matches.length) shown++;
          const baseDecision = decide(g.evidence, g.caller);
          const base = baseDecision.verdict;
          if (baseDecision.warning) {
            warnedDefault++;
            if (fails) warnedDefaultFailed++;
            else if (process.env.REPLAY_DEBUG)
              console.log(`false alarm [${fork.file}] "${r.payload.description.slice(0, 90)}" → ${base}: ${baseDecision.reason}`);
          }
          defaults[base] = (defaults[base] ?? 0) + 1;
          failedBy[base] = (failedBy[base] ?? 0) + +fails;
          SETTINGS.forEach((s, i) => {
            const ev = g.evidence.filter((_, j) => g.evidenceFound[j].score >= s.minScore);
            const d = decide(ev, g.caller);
            const v: Verdict = d.verdict;
            const t = d.evidence.tiers;
            const near = t.class.discards + t.class.crashes + t.family.discards + t.family.crashes;
            // "Clearly worse": the effect near lies above noise (low end of its interval > 0), or it crashed.
            const worse = !s.worse || t.class.crashes + t.family.crashes > 0 || (d.evidence.effect !== null && d.evidence.effect.low > 0);
            const warns = v === 'known_bad' || v === 'crashes_here' || (v === 'failed_nearby' && near >= s.minNear && worse);
            if (warns) {
              tally[i].warned++;
              if (fails) tally[i].warnedFailed++;
              else tally[i].warnedKept++;
            }
          });
        }
        await w.publish(fork);
      }
    } finally {
      await w.close();
    }
  }
  console.log(
    `\nreplay: ${forks.length} forks × ${seeds.length} seeded orders, ${rows} row checks; base failure rate ${(failed / rows).toFixed(3)} (${failed} failed, ${kept} kept)`,
  );
  console.log(`rows shown prior evidence: ${(shown / rows).toFixed(3)}; verdicts at the defaults: ${JSON.stringify(defaults)}`);
  console.log('\nverdict at the defaults → share of those rows that then failed (discard or crash):');
  for (const [v, n] of Object.entries(defaults).sort((a, b) => b[1] - a[1]))
    console.log(`  ${v.padEnd(18)} ${String(n).padStart(5)} rows  ${((failedBy[v] ?? 0) / n).toFixed(3)} failed`);
  console.log(
    `\nat the defaults (\`warning: true\`): ${warnedDefault} warned, precision ${(warnedDefaultFailed / Math.max(1, warnedDefault)).toFixed(3)}, recall ${(warnedDefaultFailed / Math.max(1, failed)).toFixed(3)}, ${warnedDefault - warnedDefaultFailed} false alarms on ${kept} keeps, ${((warnedDefaultFailed * 5) / seeds.length).toFixed(0)} GPU-minutes saved per order`,
  );
  console.log('\nsetting                                        warned  precision  recall  false alarms/keeps  GPU-min saved/order');
  const curve = SETTINGS.map((s, i) => {
    const t = tally[i];
    const precision = t.warned ? t.warnedFailed / t.warned : null;
    const recall = t.warnedFailed / Math.max(1, failed);
    const saved = (t.warnedFailed * 5) / seeds.length;
    console.log(
      `${s.name.padEnd(47)}${String(t.warned).padStart(6)}  ${precision === null ? '   n/a' : precision.toFixed(3).padStart(9)}  ${recall.toFixed(3).padStart(6)}  ${`${t.warnedKept}/${kept}`.padStart(18)}  ${saved.toFixed(0).padStart(19)}`,
    );
    return { ...s, warned: t.warned, precision, recall, false_alarms: t.warnedKept, gpu_minutes_saved_per_order: saved };
  });
  const failure_rate_by_verdict = Object.fromEntries(Object.entries(defaults).map(([v, n]) => [v, { rows: n, failed: failedBy[v] ?? 0 }]));
  const at_defaults = {
    warned: warnedDefault,
    precision: warnedDefaultFailed / Math.max(1, warnedDefault),
    recall: warnedDefaultFailed / Math.max(1, failed),
    false_alarms: warnedDefault - warnedDefaultFailed,
    gpu_minutes_saved_per_order: (warnedDefaultFailed * 5) / seeds.length,
  };
  return {
    forks: forks.length,
    orders: seeds.length,
    rows,
    failed,
    kept,
    base_failure_rate: failed / rows,
    shown_prior_evidence: shown / rows,
    at_defaults,
    defaults,
    failure_rate_by_verdict,
    curve,
  };
}

function invariantsPart() {
  const r = runInvariants(10_000, 20261201);
  console.log(`invariants: ${r.violations} violations over ${r.runs} random evidence sets${r.first ? ` (first: ${r.first})` : ''}`);
  return r;
}
