// Rows of the real fork logs that would not count as evidence, per reason (invalid, baseline, no
// parent), with the parent val_bpb `crossfork import` gives them and every excluded row listed.
//   npm run bench -- exclusion
import { fileURLToPath } from 'node:url';
import { EXCLUSION_VERSION } from '../server/catalogue/evidence-exclusion.ts';
import { CORPUS_RESULTS } from '../test/helpers/catalogue-census.ts';
import { byReason, exclusionCensus } from '../test/helpers/evidence-exclusion-census.ts';

export async function run(_argv: string[]) {
  const rows = exclusionCensus();
  if (rows.length === 0) {
    console.log(`exclusion: ${fileURLToPath(CORPUS_RESULTS)} is absent or empty: nothing to census`);
    return;
  }
  const by = byReason(rows);
  const files = new Set(rows.map((r) => r.file)).size;
  console.log(`evidence exclusion ${EXCLUSION_VERSION} over ${rows.length} rows from ${files} logs (${fileURLToPath(CORPUS_RESULTS)})`);
  for (const k of ['counted', 'invalid', 'baseline', 'no_parent'] as const)
    console.log(`  ${k.padEnd(9)} ${String(by[k].length).padStart(4)} (${((100 * by[k].length) / rows.length).toFixed(1)} %)`);
  for (const k of ['invalid', 'baseline', 'no_parent'] as const) {
    console.log(`\n${k}:`);
    for (const r of by[k])
      console.log(`  ${r.file}:${r.line} [${r.status}${r.statusRaw !== r.status ? `/${r.statusRaw}` : ''}] ${r.description.slice(0, 120)}`);
  }
}
