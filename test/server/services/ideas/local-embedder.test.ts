// The local embedder: deterministic unit vectors of the asked dimensions, closer for the same
// change in other words than for another change; its model id names the version and dimensions.
import { describe, expect, it } from 'vitest';
import { embedText, LOCAL_EMBEDDER_VERSION, localEmbedder } from '../../../../server/services/ideas/local-embedder.ts';
import { cosine } from '../../../../server/services/ideas/matcher.ts';
import { ideaFeatures } from '../../../../server/services/ideas/features.ts';

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

  it('embeds with the reading the caller already has exactly as it would read the text itself; a cut text has none to give', async () => {
    const e = localEmbedder(256);
    const inputs = [
      { description: 'raise MATRIX_LR from 0.04 to 0.06 (hypothesis: faster convergence)', diff: null },
      {
        description: 'halve the batch',
        diff: '--- a/train.py\n+++ b/train.py\n@@ -40,1 +40,1 @@\n-TOTAL_BATCH_SIZE = 2**19  # tokens\n+TOTAL_BATCH_SIZE = 2**18\n',
      },
      { description: 'use SwiGLU in the MLP', diff: null },
    ];
    const features = inputs.map((i) => ideaFeatures(i));
    expect(features.every((f) => f.reading !== null)).toBe(true);
    const texts = features.map((f) => f.text);
    expect(
      await e.embed(
        texts,
        features.map((f) => f.reading),
      ),
    ).toEqual(await e.embed(texts));
    // A description past the embedded text's bound: the text is cut, so its reading is not the input's.
    expect(ideaFeatures({ description: `raise MATRIX_LR to 0.06 ${'because '.repeat(120)}`, diff: null }).reading).toBeNull();
  });
});
