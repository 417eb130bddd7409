// Idea-matching quality: pair precision/recall on the labelled set with a threshold sweep, the
// cost of features + local embedding per record, and how the real corpus collapses into ideas.
//   npm run bench -- ideas-quality [--dimensions 256]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ideaFeatures } from '../server/services/ideas/features.ts';
import { localEmbedder } from '../server/services/ideas/local-embedder.ts';
import { SIMILARITY_THRESHOLD } from '../server/services/ideas/matcher.ts';
import { assignIdeas, LABELLED_SET, loadLabelled, pairScores } from '../test/helpers/idea-eval.ts';

const CORPUS = new URL('../../shared/corpus/results/', import.meta.url);
const SWEEP = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

export async function run(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { dimensions: { type: 'string', default: '256' } } });
  const embedder = localEmbedder(Number(values.dimensions));
  const rows = loadLabelled();
  const labels = rows.map((r) => r.label);
  const trueIdeas = new Set(labels).size;
  console.log(
    `ideas-quality: ${rows.length} labelled rows in ${trueIdeas} ideas (${fileURLToPath(LABELLED_SET)}), embedder ${embedder.model}`,
  );

  const { ideas, matches } = await assignIdeas(rows, embedder);
  const s = pairScores(ideas, labels);
  const via = new Map<string, number>();
  for (const m of matches) via.set(m.via ?? 'new', (via.get(m.via ?? 'new') ?? 0) + 1);
  console.log(`\nat SIMILARITY_THRESHOLD ${SIMILARITY_THRESHOLD}:`);
  console.log(
    `  pair precision ${pct(s.precision)}  recall ${pct(s.recall)}  F1 ${pct(s.f1)}  (${s.correctPairs} of ${s.predictedPairs} predicted pairs right, ${s.truePairs} true pairs)`,
  );
  console.log(
    `  ideas: ${new Set(ideas).size} predicted, ${trueIdeas} true; rows matched by ${[...via].map(([k, n]) => `${k} ${n}`).join(', ')}`,
  );

  console.log('\nthreshold sweep:\n  threshold  precision  recall   F1      ideas');
  for (const t of SWEEP) {
    const r = await assignIdeas(rows, embedder, t);
    const p = pairScores(r.ideas, labels);
    const mark = t === SIMILARITY_THRESHOLD ? '  ←' : '';
    console.log(
      `  ${t.toFixed(2).padEnd(9)}  ${pct(p.precision).padEnd(9)}  ${pct(p.recall).padEnd(7)}  ${pct(p.f1).padEnd(6)}  ${String(new Set(r.ideas).size).padStart(5)}${mark}`,
    );
  }

  const rounds = 20;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) await embedder.embed(rows.map((r) => ideaFeatures(r).text));
  const perRecord = (performance.now() - t0) / (rounds * rows.length);
  console.log(
    `\nideaFeatures + embed: ${(perRecord * 1000).toFixed(0)} µs per record (${Math.round(1000 / perRecord)} records/s, one core)`,
  );

  await corpusCollapse(embedder);
}

async function corpusCollapse(embedder: ReturnType<typeof localEmbedder>) {
  if (!existsSync(CORPUS)) {
    console.log(`\ncorpus: ${fileURLToPath(CORPUS)} is absent; skipping the corpus collapse`);
    return;
  }
  const records: { fork: string; description: string }[] = [];
  for (const file of readdirSync(CORPUS)
    .filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv')
    .sort()) {
    const [header, ...lines] = readFileSync(new URL(file, CORPUS), 'utf8').split(/\r?\n/);
    const column = header.split('\t').indexOf('description');
    if (column < 0) continue;
    for (const line of lines) {
      const description = line.split('\t')[column]?.trim();
      if (description && /[a-z]/i.test(description)) records.push({ fork: file.replace(/\.tsv$/, ''), description });
    }
  }
  const { ideas } = await assignIdeas(
    records.map((r) => ({ description: r.description, diff: null })),
    embedder,
  );
  const groups = new Map<string, number[]>();
  ideas.forEach((id, i) => groups.set(id, [...(groups.get(id) ?? []), i]));
  const forks = new Set(records.map((r) => r.fork)).size;
  console.log(`\ncorpus: ${records.length} descriptions from ${forks} forks collapse into ${groups.size} ideas; the 10 largest:`);
  const largest = [...groups.values()].sort((a, b) => b.length - a.length).slice(0, 10);
  for (const members of largest) {
    const inForks = new Set(members.map((i) => records[i].fork)).size;
    const distinct = [...new Set(members.map((i) => records[i].description))];
    console.log(
      `  ${String(members.length).padStart(3)} records, ${inForks} forks: ${distinct
        .slice(0, 4)
        .map((d) => JSON.stringify(d.slice(0, 60)))
        .join(' · ')}${distinct.length > 4 ? ` · (+${distinct.length - 4} more)` : ''}`,
    );
  }
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
