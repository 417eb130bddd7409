// Evidence exclusion over the real fork logs (../shared/corpus/results): how many rows each reason
// leaves out, with examples, and that most rows still count. Skipped with a message when the corpus
// is absent locally; CI must have it.
import { describe, expect, it } from 'vitest';
import { CORPUS_RESULTS, sharedPresent } from '../../helpers/shared.ts';
import { byReason, exclusionCensus } from '../../helpers/evidence-exclusion-census.ts';

const present = sharedPresent(CORPUS_RESULTS, 'the evidence-exclusion census');

describe.skipIf(!present)('evidence exclusion over ../shared/corpus/results', () => {
  it('leaves out the TAINTED rows and the baselines, and counts at least 90 % of rows', () => {
    const rows = exclusionCensus();
    const by = byReason(rows);
    console.log(
      `[exclusion] ${rows.length} rows: ${by.counted.length} counted, ${by.invalid.length} invalid, ${by.baseline.length} baseline, ${by.no_parent.length} no parent\n` +
        (['invalid', 'baseline', 'no_parent'] as const)
          .flatMap((k) => by[k].slice(0, 6).map((r) => `  ${k}: ${r.file}:${r.line} [${r.status}] ${r.description.slice(0, 100)}`))
          .join('\n'),
    );
    expect(by.invalid.map((r) => r.description)).toEqual([
      'reduce Muon ns_steps from 5 to 3 (TAINTED: weight tying not reverted)',
      'halve weight decay 0.2->0.1 (TAINTED: weight tying not reverted)',
    ]);
    // Each log's first row is its baseline (or a lone run with nothing before it).
    expect(by.baseline.length).toBeGreaterThanOrEqual(25);
    expect(by.baseline.every((r) => /baseline/i.test(r.description))).toBe(true);
    expect(by.counted.length / rows.length).toBeGreaterThanOrEqual(0.9);
    // A crash is evidence by itself, NaN included.
    expect(by.counted.some((r) => r.description.startsWith('float16 weights (NaN at step 117'))).toBe(true);
  });
});
