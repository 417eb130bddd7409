// FindingsEngine over stub repositories: candidates from the catalogue's concepts become matches
// (the same change) or related ideas (another direction), with why; exact identity comes first;
// a failing embedder degrades the answer instead of failing it.
import { describe, expect, it } from 'vitest';
import { broaderOf, conceptName, FindingsEngine, type EngineDeps } from '../../../../server/services/ideas/engine.ts';
import { EmbedderError, type Embedder } from '../../../../server/services/ideas/embedder.ts';
import { localEmbedder } from '../../../../server/services/ideas/local-embedder.ts';

const RAISE = { concept: 'MATRIX_LR', action: 'raise' as const, from: null, to: null, records: 3 };
const LOWER = { ...RAISE, action: 'lower' as const };

function engine(embedder: Embedder = localEmbedder(), exactByParams: string | null = null) {
  const concepts = [
    { ideaId: 'raise', changes: [RAISE], attempts: 3 },
    { ideaId: 'lower', changes: [LOWER], attempts: 3 },
    { ideaId: 'hidden', changes: [RAISE], attempts: 0 },
  ];
  const deps = {
    embedder,
    ideas: {
      ideaByDiffKey: async () => null,
      ideaByParamKey: async () => exactByParams,
      nearestIdeas: async () => [],
    },
    search: {
      byConcepts: async () => concepts,
      lexical: async () => [],
      changesOf: async (ids: string[]) => concepts.filter((c) => ids.includes(c.ideaId)),
    },
  } as unknown as EngineDeps;
  return new FindingsEngine(deps);
}

describe('FindingsEngine', () => {
  it('matches the same change, relates the opposite one, and never shows an idea without attempts', async () => {
    const r = await engine().find({ description: 'raise the matrix lr', diff: null });
    expect(r.changes).toEqual([{ concept: 'MATRIX_LR', action: 'raise', from: null, to: null }]);
    expect(r.matches.map((m) => m.ideaId)).toEqual(['raise']);
    expect(r.matches[0].why_text).toMatch(/matrix/i);
    expect(r.related.map((m) => m.ideaId)).toEqual(['lower']);
    expect([...r.matches, ...r.related].some((m) => m.ideaId === 'hidden')).toBe(false);
    expect(r).toMatchObject({ exactIdeaId: null, degraded: false });
  });

  it('answers from changes and words when the embedder fails, and rethrows other errors', async () => {
    const failing = { model: 'm', dimensions: 4, embed: async () => Promise.reject(new EmbedderError('down', true)) };
    const r = await engine(failing).find({ description: 'raise the matrix lr', diff: null });
    expect(r.degraded).toBe(true);
    expect(r.matches.map((m) => m.ideaId)).toEqual(['raise']);
    const broken = { model: 'm', dimensions: 4, embed: async () => Promise.reject(new TypeError('bug')) };
    await expect(engine(broken).find({ description: 'raise the matrix lr', diff: null })).rejects.toThrow(TypeError);
  });

  it('names concepts and their broader ones', () => {
    expect(conceptName('NO_SUCH_THING')).toBe('no such thing');
    expect(broaderOf('NO_SUCH_THING')).toBeNull();
    expect(typeof conceptName('MATRIX_LR')).toBe('string');
  });
});
