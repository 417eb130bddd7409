// The catalogue against real fork logs: at least 90 % of non-baseline rows must name a concept.
import { describe, expect, it } from 'vitest';
import { census, CORPUS_RESULTS, loadCorpusRows } from '../../helpers/catalogue-census.ts';
import { sharedPresent } from '../../helpers/shared.ts';

const present = sharedPresent(CORPUS_RESULTS, 'the corpus census');

describe.skipIf(!present)('catalogue census over ../shared/corpus/results', () => {
  it('maps at least 90 % of non-baseline rows to a concept', () => {
    const c = census(loadCorpusRows());
    const experiments = c.rows - c.baselines;
    const share = c.mapped / experiments;
    console.log(
      `[census] ${c.rows} rows, ${c.baselines} baselines, ${c.mapped}/${experiments} mapped (${(100 * share).toFixed(1)} %), ` +
        `${c.withChanges} with a change beyond a mention; unmapped:\n${c.unmapped.map((r) => `  ${r.file}: ${r.description.slice(0, 120)}`).join('\n')}`,
    );
    expect(experiments).toBeGreaterThan(300);
    expect(share).toBeGreaterThanOrEqual(0.9);
  });
});
