// Idea-matching quality on the labelled set (many phrasings of one change must meet; near-misses
// must stay apart), through the real pipeline: features → local embedding → matchIdea.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localEmbedder } from '../../../../server/services/ideas/local-embedder.ts';
import { assignIdeas, loadLabelled, pairErrors, pairScores } from '../../../helpers/idea-eval.ts';
import { CORPUS_RESULTS as CORPUS, sharedPresent } from '../../../helpers/shared.ts';

const embedder = localEmbedder(256);

describe('idea matching on the labelled set', () => {
  it('reaches pair precision ≥ 0.95 and recall ≥ 0.85', async () => {
    const rows = loadLabelled();
    expect(rows.length).toBeGreaterThan(300);
    const { ideas } = await assignIdeas(rows, embedder);
    const s = pairScores(
      ideas,
      rows.map((r) => r.label),
    );
    const errors = pairErrors(rows, ideas);
    // On failure, show what went wrong rather than two numbers.
    expect({ precision: s.precision >= 0.95, merged: errors.merged.slice(0, 10) }).toMatchObject({ precision: true });
    expect({ recall: s.recall >= 0.85, split: errors.split.slice(0, 10) }).toMatchObject({ recall: true });
  });

  const sameIdea = async (descriptions: string[]) => {
    const { ideas } = await assignIdeas(
      descriptions.map((description) => ({ description, diff: null })),
      embedder,
    );
    return ideas;
  };

  it('joins the phrasings of one change', async () => {
    const ideas = await sameIdea([
      'increase matrix LR from 0.04 to 0.06',
      'MATRIX_LR 0.04->0.06',
      'matrix LR 0.04→0.06 (Muon tolerates higher LR)',
    ]);
    expect(new Set(ideas).size).toBe(1);
  });

  it('keeps near-misses apart', async () => {
    expect(new Set(await sameIdea(['beta1 0.8→0.9', 'beta1 0.9→0.95'])).size).toBe(2);
    expect(new Set(await sameIdea(['increase embedding LR from 0.6 to 0.8', 'increase unembedding LR from 0.6 to 0.8'])).size).toBe(2);
    expect(new Set(await sameIdea(['MATRIX_LR 0.04 -> 0.05', 'MATRIX_LR 0.04 -> 0.06'])).size).toBe(2);
    expect(new Set(await sameIdea(['halve the batch size', 'double the batch size'])).size).toBe(2);
  });
});

describe.skipIf(!sharedPresent(CORPUS, 'the labelled corpus test'))('idea matching on the real corpus (../shared/corpus)', () => {
  it('collapses repeated descriptions across forks into shared ideas, never all into one', async () => {
    const rows: { description: string; diff: null }[] = [];
    for (const file of readdirSync(CORPUS).filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv')) {
      const [header, ...lines] = readFileSync(new URL(file, CORPUS), 'utf8').split(/\r?\n/);
      const col = header.split('\t').indexOf('description');
      if (col < 0) continue;
      for (const line of lines) {
        const d = line.split('\t')[col]?.trim();
        if (d && /[a-z]/i.test(d)) rows.push({ description: d, diff: null });
      }
    }
    expect(rows.length).toBeGreaterThan(100);
    const { ideas } = await assignIdeas(rows, embedder);
    const n = new Set(ideas).size;
    // Byte-identical descriptions always share an idea.
    const first = new Map<string, string>();
    rows.forEach((r, i) => {
      const seen = first.get(r.description);
      if (seen) expect(ideas[i]).toBe(seen);
      else first.set(r.description, ideas[i]);
    });
    expect(n).toBeLessThan(rows.length);
    expect(n).toBeGreaterThan(rows.length / 4);
  });
});
