// The local embedder: deterministic unit vectors of the asked dimensions, closer for the same
// change in other words than for another change; its model id names the version and dimensions.
import { describe, expect, it } from 'vitest';
import { embedText, LOCAL_EMBEDDER_VERSION, localEmbedder } from '../../../../server/services/ideas/local-embedder.ts';
import { cosine } from '../../../../server/services/ideas/matcher.ts';

describe('localEmbedder', () => {
  it('returns one deterministic unit vector per text, in order', async () => {
    const e = localEmbedder(64);
    expect(e.dimensions).toBe(64);
    expect(e.model).toContain(LOCAL_EMBEDDER_VERSION);
    const [a, b, a2] = await e.embed(['raise the matrix lr', 'use SwiGLU', 'raise the matrix lr']);
    expect(a).toHaveLength(64);
    expect(Math.hypot(...a)).toBeCloseTo(1, 6);
    expect(a2).toEqual(a);
    expect(b).not.toEqual(a);
    expect(await e.embed([])).toEqual([]);
  });

  it('puts the same change nearer than another change', () => {
    const v = (t: string) => embedText(t, 256);
    expect(cosine(v('raise MATRIX_LR to 0.06'), v('matrix lr 0.04 -> 0.06'))).toBeGreaterThan(
      cosine(v('raise MATRIX_LR to 0.06'), v('use SwiGLU')),
    );
  });
});
