// Which rows of the real fork logs (../shared/corpus/results/*.tsv) would not count as evidence, and
// why, with the parent val_bpb an import gives them (the best kept row before, as `crossfork import`
// does) and no diff. Shared by test/server/catalogue/evidence-exclusion-corpus.test.ts and `npm run bench -- exclusion`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { excludedFromEvidence, type EvidenceExclusion } from '../../server/catalogue/evidence-exclusion.ts';
import { parseResultsTsv } from '../../server/protocol/results-tsv.ts';
import { CORPUS_RESULTS } from './catalogue-census.ts';

export interface ExclusionRow {
  file: string;
  line: number;
  status: string;
  statusRaw: string;
  description: string;
  parentValBpb: number | null;
  excluded: EvidenceExclusion | null;
}

/** Every parsed row of every results TSV (MANIFEST.tsv aside) with its exclusion; [] when the corpus is absent. */
export function exclusionCensus(dir: URL = CORPUS_RESULTS): ExclusionRow[] {
  if (!existsSync(dir)) return [];
  const out: ExclusionRow[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv')
    .sort()) {
    let best: number | null = null;
    for (const r of parseResultsTsv(readFileSync(new URL(file, dir), 'utf8')).rows) {
      const input = { description: r.description, status: r.status, parentValBpb: best, valBpb: r.val_bpb, diff: null };
      out.push({
        file,
        line: r.line,
        status: r.status,
        statusRaw: r.status_raw,
        description: r.description,
        parentValBpb: best,
        excluded: excludedFromEvidence(input),
      });
      if (r.status === 'keep' && r.val_bpb !== null) best = best === null ? r.val_bpb : Math.min(best, r.val_bpb);
    }
  }
  return out;
}

/** Rows per reason (null: counted). */
export function byReason(rows: readonly ExclusionRow[]): Record<EvidenceExclusion | 'counted', ExclusionRow[]> {
  const out: Record<EvidenceExclusion | 'counted', ExclusionRow[]> = { counted: [], invalid: [], baseline: [], no_parent: [] };
  for (const r of rows) out[r.excluded ?? 'counted'].push(r);
  return out;
}
