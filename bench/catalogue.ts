// The catalogue's census over real fork logs: rows, the share of non-baseline rows whose
// description names a concept, the unmapped ones, and the concepts and actions by frequency.
//   npm run bench -- catalogue [--top 25]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CATALOGUE, CATALOGUE_VERSION } from '../server/catalogue/catalogue.ts';
import { census, CORPUS_RESULTS, loadCorpusRows } from '../test/helpers/catalogue-census.ts';

export async function run(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { top: { type: 'string', default: '25' } } });
  const top = Number(values.top);
  const rows = loadCorpusRows();
  if (rows.length === 0) {
    console.log(`catalogue: ${fileURLToPath(CORPUS_RESULTS)} is absent or empty: nothing to census`);
    return;
  }
  const files = new Set(rows.map((r) => r.file)).size;
  const t0 = performance.now();
  const c = census(rows);
  const ms = performance.now() - t0;
  const experiments = c.rows - c.baselines;
  console.log(`catalogue ${CATALOGUE_VERSION}: ${CATALOGUE.concepts.length} concepts`);
  console.log(
    `corpus: ${c.rows} rows from ${files} logs (${fileURLToPath(CORPUS_RESULTS)}), ${c.baselines} baselines, ${experiments} experiments`,
  );
  console.log(
    `mapped: ${c.mapped}/${experiments} (${pct(c.mapped / experiments)}) name at least one concept; ${c.withChanges} (${pct(c.withChanges / experiments)}) a change beyond a mention`,
  );
  console.log(`understand(): ${((1000 * ms) / experiments).toFixed(0)} µs per description\n`);

  const unmapped = new Map<string, number>();
  for (const r of c.unmapped) unmapped.set(r.description, (unmapped.get(r.description) ?? 0) + 1);
  console.log(`unmapped descriptions (${c.unmapped.length}):`);
  for (const [d, n] of [...unmapped].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${String(n).padStart(3)}× ${d.slice(0, 110)}`);

  console.log(`\nconcepts by rows (top ${top} of ${c.byConcept.length}):`);
  for (const [id, n] of c.byConcept.slice(0, top)) console.log(`  ${String(n).padStart(4)}  ${id}`);
  const unseen = CATALOGUE.concepts.filter((k) => !c.byConcept.some(([id]) => id === k.id)).map((k) => k.id);
  console.log(`\nactions: ${c.byAction.map(([a, n]) => `${a} ${n}`).join(', ')}`);
  console.log(`concepts no row names (${unseen.length}; the catalogue also covers upstream's stack and paraphrases): ${unseen.join(' ')}`);
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
