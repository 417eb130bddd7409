// scoreCandidates: exact identity first, the same change a match, the opposite change related,
// words and meaning alone above a threshold, broader concepts only when nothing makes the change
// itself; whyText and describeChange say why in one line.
import { describe, expect, it } from 'vitest';
import { describeChange, scoreCandidates, whyText, type RetrievalCandidate } from '../../../../server/services/ideas/retrieval.ts';

const RAISE = { concept: 'MATRIX_LR', action: 'raise' as const, from: null, to: null };
const cand = (ideaId: string, o: Partial<RetrievalCandidate> = {}): RetrievalCandidate => ({
  ideaId,
  changes: [],
  attempts: 2,
  exact: null,
  words: null,
  similarity: null,
  ...o,
});
const noBroader = () => null;

describe('scoreCandidates', () => {
  it('ranks exact identity, then the same change, and relates the opposite one', () => {
    const scored = scoreCandidates(
      { changes: [RAISE] },
      [
        cand('same', { changes: [{ ...RAISE, records: 2 }] }),
        cand('exact', { exact: 'params' }),
        cand('opposite', { changes: [{ ...RAISE, action: 'lower', records: 2 }] }),
        cand('unrelated', { changes: [{ concept: 'DEPTH', action: 'raise', from: null, to: null, records: 2 }] }),
      ],
      noBroader,
    );
    expect(scored[0]).toMatchObject({ ideaId: 'exact', kind: 'match', why: { via: 'params' } });
    expect(scored.find((s) => s.ideaId === 'opposite')).toMatchObject({ kind: 'related' });
    expect(scored.find((s) => s.ideaId === 'unrelated')).toBeUndefined();
    const [same] = scoreCandidates({ changes: [RAISE] }, [cand('same', { changes: [{ ...RAISE, records: 2 }] })], noBroader);
    expect(same).toMatchObject({ ideaId: 'same', kind: 'match', why: { via: 'changes' } });
    expect(same.why.changes.map((c) => c.concept)).toEqual(['MATRIX_LR']);
  });

  it('matches on words and meaning alone only above the threshold, and returns nothing for no candidates', () => {
    const scored = scoreCandidates({ changes: [] }, [cand('close', { similarity: 0.95 }), cand('far', { similarity: 0.3 })], noBroader);
    expect(scored.map((s) => s.ideaId)).toEqual(['close']);
    expect(scored[0].why.via).toBe('meaning');
    expect(scoreCandidates({ changes: [RAISE] }, [], noBroader)).toEqual([]);
  });
});

describe('whyText and describeChange', () => {
  const name = (c: string) => c.toLowerCase();
  it('says why in one line', () => {
    expect(whyText({ via: 'diff', changes: [], words: [], similarity: null }, name)).toBe('the same diff');
    expect(whyText({ via: 'words', changes: [], words: ['muon', 'lr'], similarity: null }, name)).toBe('shares the words "muon", "lr"');
    expect(whyText({ via: 'meaning', changes: [], words: [], similarity: 0.8123 }, name)).toBe('close in meaning (similarity 0.81)');
    expect(describeChange({ concept: 'MATRIX_LR', action: 'raise', from: '0.04', to: '0.06' }, name)).toMatch(/matrix_lr/);
  });
});
