// The paraphrase part of the findings benchmark: every eval-set query checked against the
// published corpus, scored beside a BM25 baseline and the embedding alone, plus the novel queries
// (nothing tried them, so any match is a false one).
import type { Services } from '../../server/services/container.ts';
import type { Embedder } from '../../server/services/ideas/embedder.ts';
import { ideaFeatures } from '../../server/services/ideas/features.ts';
import { Bm25 } from './bm25.ts';
import { loadCorpus, type CorpusRow } from './corpus.ts';
import { loadEvalSet, type EvalQuery, type NovelQuery } from './eval-set.ts';
import { ideasOfRefs, world, type Options } from './world.ts';

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

interface Ranked {
  q: EvalQuery;
  relevant: boolean[];
}

/** Each query's ranking by the engine (with what it returned), by BM25, and by the embedding alone. */
interface Rankings {
  engine: (Ranked & { returned: string[] })[];
  baseline: Ranked[];
  vectorOnly: Ranked[];
}

type Table = Record<string, { engine: Scores; bm25: Scores; vector_only: Scores }>;

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

export async function paraphrasesPart(o: Options, embedder: Embedder) {
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
    const rankings = await rankQueries(w.services, embedder, queries, { ideaOf, all, bm25 });
    const table = scoreGroups(rankings);
    printTable(table, embedder.model);
    const falseMatches = await answeredNovel(w.services, novel);
    console.log(`\nnovel queries answered with any match: ${falseMatches} of ${novel.length}`);
    const misses = devMisses(rankings.engine);
    return { table, novel: { queries: novel.length, answered_with_matches: falseMatches }, misses };
  } finally {
    await w.close();
  }
}

/** Every query ranked three ways: the engine's check, BM25 over the corpus rows, the embedding alone. */
async function rankQueries(
  services: Services,
  embedder: Embedder,
  queries: EvalQuery[],
  { ideaOf, all, bm25 }: { ideaOf: Map<string, string>; all: CorpusRow[]; bm25: Bm25 },
): Promise<Rankings> {
  const rankings: Rankings = { engine: [], baseline: [], vectorOnly: [] };
  // The embedding alone: each query's nearest records, their ideas in order (what the vector
  // source contributes before fusion).
  const space = { model: embedder.model, dimensions: embedder.dimensions };
  for (const q of queries) {
    const relevantIdeas = new Set(q.relevant.map((ref) => ideaOf.get(ref)).filter((x): x is string => !!x));
    const res = await services.ideas.check({ description: q.query, limit: 5 });
    rankings.engine.push({
      q,
      relevant: res.matches.map((m) => relevantIdeas.has(m.id)),
      returned: res.matches.map((m) => `${m.description.slice(0, 50)} {${m.why.text.slice(0, 60)}}`),
    });
    const [v] = await embedder.embed([ideaFeatures({ description: q.query, diff: null }).text]);
    const near = [...new Set((await services.repos.ideas.nearest(space, v, 30)).map((n) => n.ideaId))].slice(0, 5);
    rankings.vectorOnly.push({ q, relevant: near.map((id) => relevantIdeas.has(id)) });
    const rel = new Set(q.relevant);
    rankings.baseline.push({ q, relevant: bm25.search(q.query, 5).map((h) => rel.has(all[h.index].ref)) });
  }
  return rankings;
}

/** The three rankings scored over each group of queries. */
function scoreGroups({ engine, baseline, vectorOnly }: Rankings): Table {
  const groups: Record<string, (q: EvalQuery) => boolean> = {
    all: () => true,
    everyday: (q) => !q.hard,
    no_shared_word: (q) => q.hard,
    dev: (q) => q.split === 'dev',
    test: (q) => q.split === 'test',
  };
  const table: Table = {};
  for (const [name, pick] of Object.entries(groups)) {
    table[name] = {
      engine: score(engine.filter((e) => pick(e.q))),
      bm25: score(baseline.filter((e) => pick(e.q))),
      vector_only: score(vectorOnly.filter((e) => pick(e.q))),
    };
  }
  return table;
}

function printTable(table: Table, model: string) {
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
    `\nthe ${model} embedding alone (nearest records' ideas): ` +
      Object.entries(table)
        .map(([k, t]) => `${k} hit@5 ${t.vector_only.hit5.toFixed(3)}`)
        .join(', '),
  );
}

/** How many queries about something nobody tried got any match (every one is a false match). */
async function answeredNovel(services: Services, novel: NovelQuery[]): Promise<number> {
  let falseMatches = 0;
  for (const q of novel) {
    const res = await services.ideas.check({ description: q.query, limit: 5 });
    if (res.matches.length) falseMatches++;
  }
  return falseMatches;
}

/** The dev queries with no relevant idea in the engine's top 5, printed and returned. */
function devMisses(engine: Rankings['engine']) {
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
  return misses;
}
