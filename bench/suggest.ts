// Suggestions benchmark over the real fork logs (../shared/corpus): forks publish one by one in
// seeded orders; before each publishes, its top 10 suggestions (with its hardware) and a
// popularity baseline are scored by recall@10 of the ideas the fork then kept.
//   npm run bench -- suggest [--seeds 1,2,3,4,5] [--driver pglite|postgres] [--sweep] [--json FILE]  (SUGGEST_DEBUG=1: each miss with its rank)
// Evaluation, fixed before any tuning: a fork's future keeps are the distinct ideas the server
// assigns to its `keep` rows that have a parent (its first row, the baseline, measured nothing);
// "reachable" are those whose idea already existed before the fork published (no ranking can
// name an idea nobody has tried). The baseline is the 10 ideas with the most such keeps so far
// (the fork has published nothing yet, so excluding what it tried excludes nothing). Tuning was
// done on seeds 100–104 only; the figures reported are seeds 1–5.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../server/db/client.ts';
import { createServices, type Services } from '../server/services/container.ts';
import { envelope, newSigner } from '../test/helpers/records.ts';
import { benchDatabaseUrl } from './databases.ts';
import { corpusPresent, CORPUS_DIR, CORPUS_HARNESS, loadCorpus, shuffled, type CorpusFork } from './findings/corpus.ts';
import { SuggestionsService } from '../server/services/suggestions.service.ts';
import { SuggestionRepository } from '../server/repositories/suggestion.repository.ts';
import { RANK_DEFAULTS, type RankOptions } from '../server/services/suggestions/rank.ts';

/** Variants of the ranking (`--sweep`), scored in the same replay as the defaults: for tuning on seeds ≥ 100. */
const SWEEP: Record<string, Partial<RankOptions>> = {
  'first-choice': { weights: { class: 1, family: 0.6, kind: 0.3, elsewhere: 0.15 }, failure: 1 },
  flat: { weights: { class: 1, family: 1, kind: 1, elsewhere: 1 } },
  'fail0.5-effect0.125': { failure: 0.5, effect: 0.125 },
  fail1: { failure: 1 },
  transfer0: { transfer: 0 },
  perContributor: { perContributor: true },
  effect0: { effect: 0 },
  'effect0.5': { effect: 0.5 },
};

const K = 10;

interface ForkScore {
  fork: string;
  hardware: string;
  keeps: number;
  reachable: number;
  keptBefore: number;
  engine: number;
  popularity: number;
  missed: string[];
}

interface OrderScore {
  seed: number;
  keeps: number;
  reachable: number;
  keptBefore: number;
  engine: number;
  popularity: number;
  forks: ForkScore[];
  ms_per_ask: number;
  variants: Record<string, number>;
}

/** A variant of the ranking (`--sweep`) with its own service, and how many future keeps its tops hit. */
type Variant = { name: string; hits: number; service: SuggestionsService };

/** What one order's replay has counted so far, and what it knows of the ideas published before. */
interface ReplayState {
  /** Keeps with a parent per idea so far, and the order ideas were first kept in (the baseline's tie-break). */
  kept: Map<string, number>;
  known: Set<string>;
  keeps: number;
  reachable: number;
  keptBefore: number;
  engine: number;
  popularity: number;
  asks: number;
  askMs: number;
  scores: ForkScore[];
}

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '1,2,3,4,5' },
      driver: { type: 'string', default: 'pglite' },
      json: { type: 'string' },
      sweep: { type: 'boolean', default: false },
      hard: { type: 'string', default: '8' },
    },
  });
  if (!corpusPresent()) {
    console.log(`suggest bench: ${CORPUS_DIR} is absent; skipped`);
    return;
  }
  const seeds = values.seeds!.split(',').map(Number);
  const tuning = seeds.every((s) => s >= 100);
  console.log(
    `suggest bench: recall@${K} of future keeps, engine vs popularity, seeds ${seeds.join(',')} (${tuning ? 'TUNING orders: not for reporting' : 'reported orders; tuning used seeds ≥ 100 only'}), driver ${values.driver}`,
  );
  const forks = loadCorpus().filter((f) => f.rows.length > 0);
  const orders: OrderScore[] = [];
  const variants = values.sweep ? SWEEP : {};
  const swept: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (const seed of seeds) {
    const o = await replay(forks, seed, values.driver!, variants);
    orders.push({ seed, ...o });
    for (const [k, hits] of Object.entries(o.variants)) swept[k].push(hits / o.keeps);
  }
  if (values.sweep) printSweep(swept);
  printOrders(orders);
  printHardCases(orders, Number(values.hard));
  const out = {
    bench: 'suggest',
    k: K,
    seeds,
    tuning,
    orders: orders.map(({ forks: f, variants: _v, ...o }) => ({
      ...o,
      recall_engine: o.engine / o.keeps,
      recall_popularity: o.popularity / o.keeps,
      forks: f,
    })),
  };
  if (values.json) writeFileSync(values.json, JSON.stringify(out, null, 2));
}

function printSweep(swept: Record<string, number[]>) {
  console.log(`\nsweep (recall@${K} per order, mean):`);
  for (const [k, rs] of Object.entries(swept))
    console.log(
      `  ${k.padEnd(18)} ${rs.map((x) => x.toFixed(3)).join(' ')}  mean ${(rs.reduce((a, b) => a + b, 0) / rs.length).toFixed(3)}`,
    );
}

/** One line per order, then the means. */
function printOrders(orders: OrderScore[]) {
  const r = (x: number, n: number) => (n ? (x / n).toFixed(3) : '  n/a');
  console.log(
    `\n("reachable": the idea existed before the fork published; "kept before": it had been kept, with a parent, before: the most either ranking can find)`,
  );
  console.log(`\n seed  forks  future keeps  reachable  kept before   engine R@${K} (reachable)   popularity R@${K} (reachable)   ms/ask`);
  for (const o of orders) {
    console.log(
      `${String(o.seed).padStart(5)}  ${String(o.forks.length).padStart(5)}  ${String(o.keeps).padStart(12)}  ${String(o.reachable).padStart(9)}  ${String(o.keptBefore).padStart(11)}   ${r(o.engine, o.keeps)} (${r(o.engine, o.reachable)}, ${o.engine} hits)      ${r(o.popularity, o.keeps)} (${r(o.popularity, o.reachable)}, ${o.popularity} hits)         ${o.ms_per_ask.toFixed(0)}`,
    );
  }
  const sum = (f: (o: OrderScore) => number) => orders.reduce((a, o) => a + f(o), 0);
  const mean = (f: (o: OrderScore) => number) => sum(f) / orders.length;
  console.log(
    `mean                                                   ${mean((o) => o.engine / o.keeps).toFixed(3)} (${mean((o) => o.engine / o.reachable).toFixed(3)})                 ${mean((o) => o.popularity / o.keeps).toFixed(3)} (${mean((o) => o.popularity / o.reachable).toFixed(3)})`,
  );
}

/** Hard cases: forks whose reachable keeps the engine missed most often, over all orders. */
function printHardCases(orders: OrderScore[], count: number) {
  const byFork = new Map<
    string,
    { keptBefore: number; engine: number; popularity: number; missed: Map<string, number>; hardware: string }
  >();
  for (const o of orders)
    for (const f of o.forks) {
      const t = byFork.get(f.fork) ?? { keptBefore: 0, engine: 0, popularity: 0, missed: new Map(), hardware: f.hardware };
      t.keptBefore += f.keptBefore;
      t.engine += f.engine;
      t.popularity += f.popularity;
      for (const m of f.missed) t.missed.set(m, (t.missed.get(m) ?? 0) + 1);
      byFork.set(f.fork, t);
    }
  const hard = [...byFork]
    .filter(([, t]) => t.missed.size > 0)
    .sort((a, b) => sumOf(b[1].missed) - sumOf(a[1].missed))
    .slice(0, count);
  console.log(`\nhard cases (future keeps kept before that the engine's top ${K} missed, summed over orders; hits of both alongside):`);
  for (const [fork, t] of hard) {
    console.log(
      `  ${fork} [${t.hardware}]: missed ${sumOf(t.missed)} of ${t.keptBefore} kept before (engine hit ${t.engine}, popularity hit ${t.popularity})`,
    );
    for (const [m, n] of [...t.missed].sort((a, b) => b[1] - a[1]).slice(0, 3)) console.log(`      ${n}× "${m.slice(0, 90)}"`);
  }
}

const sumOf = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** One seeded order: a fresh server, each fork scored before it publishes. */
async function replay(forks: CorpusFork[], seed: number, driver: string, variants: Record<string, Partial<RankOptions>>) {
  const database: Database =
    driver === 'postgres'
      ? await openDatabase({ url: await benchDatabaseUrl('crossfork_bench_suggest'), maxConnections: 4 })
      : await openDatabase({ dataDir: 'memory://' });
  const services = createServices({ database, rateLimitWrites: 0 });
  await services.ideas.init();
  const alt: Variant[] = Object.entries(variants).map(([name, v]) => ({
    name,
    hits: 0,
    service: new SuggestionsService({
      suggestions: new SuggestionRepository(database.db),
      evidence: services.readRepos.evidence,
      ideas: services.readRepos.ideas,
      ideasService: services.ideas,
      rank: { ...RANK_DEFAULTS, ...v },
    }),
  }));
  const st: ReplayState = {
    kept: new Map(),
    known: new Set(),
    keeps: 0,
    reachable: 0,
    keptBefore: 0,
    engine: 0,
    popularity: 0,
    asks: 0,
    askMs: 0,
    scores: [],
  };
  try {
    for (const fork of shuffled(forks, seed)) await scoreFork(services, alt, st, fork, seed);
  } finally {
    await services.stop();
    await database.close();
  }
  return {
    keeps: st.keeps,
    reachable: st.reachable,
    keptBefore: st.keptBefore,
    engine: st.engine,
    popularity: st.popularity,
    forks: st.scores,
    ms_per_ask: st.askMs / Math.max(1, st.asks),
    variants: Object.fromEntries(alt.map((a) => [a.name, a.hits])),
  };
}

/** One fork: its suggestions (and the variants' and the popularity baseline's) asked, then it publishes and is scored. */
async function scoreFork(services: Services, alt: Variant[], st: ReplayState, fork: CorpusFork, seed: number) {
  const hw = fork.hardware;
  const t0 = performance.now();
  const ask = {
    harness: CORPUS_HARNESS,
    accelerator: hw.accelerator,
    device_name: hw.device_name,
    memory_mb: hw.memory_mb ?? undefined,
    device_count: hw.device_count ?? 1,
    fork: fork.rows[0].payload.fork.id,
    limit: K,
  };
  const s = await services.suggestions.suggest(ask);
  st.askMs += performance.now() - t0;
  st.asks++;
  const top = new Set(s.suggestions.map((x) => x.idea_id));
  const altTops = await Promise.all(alt.map(async (a) => new Set((await a.service.suggest(ask)).suggestions.map((x) => x.idea_id))));
  const popular = new Set(
    [...st.kept]
      .sort((a, b) => b[1] - a[1])
      .slice(0, K)
      .map(([id]) => id),
  );
  const ideaOf = await publish(services, fork);
  const future = new Map<string, string>();
  fork.rows.forEach((row, i) => {
    const id = ideaOf[i];
    if (id && row.row.status === 'keep' && row.payload.parent !== null && !future.has(id)) future.set(id, row.payload.description);
  });
  const reach = [...future.keys()].filter((id) => st.known.has(id));
  const before = [...future.keys()].filter((id) => st.kept.has(id)).length;
  st.keptBefore += before;
  const hitE = [...future.keys()].filter((id) => top.has(id)).length;
  const hitP = [...future.keys()].filter((id) => popular.has(id)).length;
  st.keeps += future.size;
  if (process.env.SUGGEST_DEBUG && reach.some((id) => !top.has(id)))
    await printMisses(services, { ask, s, seed, fork, reach, top, future, popular });
  alt.forEach((a, i) => (a.hits += [...future.keys()].filter((id) => altTops[i].has(id)).length));
  st.reachable += reach.length;
  st.engine += hitE;
  st.popularity += hitP;
  st.scores.push({
    fork: fork.file.replace(/\.tsv$/, ''),
    hardware: s.hardware_class ?? '?',
    keeps: future.size,
    reachable: reach.length,
    keptBefore: before,
    engine: hitE,
    popularity: hitP,
    missed: [...future.keys()].filter((id) => st.kept.has(id) && !top.has(id)).map((id) => future.get(id)!),
  });
  fork.rows.forEach((row, i) => {
    const id = ideaOf[i];
    if (!id) return;
    st.known.add(id);
    if (row.row.status === 'keep' && row.payload.parent !== null) st.kept.set(id, (st.kept.get(id) ?? 0) + 1);
  });
}

/** SUGGEST_DEBUG: each reachable keep the engine's top missed, with its rank in a longer list. */
async function printMisses(
  services: Services,
  m: {
    ask: Parameters<Services['suggestions']['suggest']>[0];
    s: Awaited<ReturnType<Services['suggestions']['suggest']>>;
    seed: number;
    fork: CorpusFork;
    reach: string[];
    top: Set<string>;
    future: Map<string, string>;
    popular: Set<string>;
  },
) {
  const { s, top, future, popular } = m;
  const all = await services.suggestions.suggest({ ...m.ask, limit: 50 });
  const avoid = new Set(s.avoid.map((a) => a.idea_id));
  console.log(
    `\n[${m.seed}] ${m.fork.file} ${s.hardware_class} (${s.hardware_family}); top: ${s.suggestions.map((x) => `${x.description.slice(0, 40)} ${x.score}`).join(' | ')}`,
  );
  for (const id of m.reach.filter((x) => !top.has(x))) {
    const at = all.suggestions.findIndex((x) => x.idea_id === id);
    console.log(
      `   missed "${future.get(id)!.slice(0, 60)}" rank ${at < 0 ? (avoid.has(id) ? 'AVOID' : '>50') : at + 1} ${at >= 0 ? all.suggestions[at].reason : ''} popular:${popular.has(id)}`,
    );
  }
}

/** Publishes a fork's rows (its own key) and returns the idea the server assigned each row. */
async function publish(services: Services, fork: CorpusFork): Promise<(string | null)[]> {
  const signer = newSigner(fork.file);
  const envs = fork.rows.map((r) => envelope(r.payload, signer));
  const ids: (string | null)[] = [];
  for (let i = 0; i < envs.length; i += 500) {
    const items = await services.records.submitBatch({ records: envs.slice(i, i + 500) });
    for (const [j, it] of items.entries()) {
      if (it.status === 'rejected') throw new Error(`${fork.rows[i + j].ref} rejected: ${JSON.stringify(it.error)}`);
      ids.push(it.id ?? null);
    }
  }
  await services.assignments.drain();
  const rows = new Map((await services.repos.records.findByIds(ids.filter((x): x is string => !!x))).map((r) => [r.id, r.ideaId]));
  return ids.map((id) => (id ? (rows.get(id) ?? null) : null));
}
