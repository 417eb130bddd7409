// The textbook baseline: Okapi BM25 (k1 = 1.2, b = 0.75) over record descriptions, with
// lower-cased alphanumeric tokens, an English stopword list and light suffix stripping (the same
// word rules as the eval set's "shares a content word" test, check-eval-set.ts).
import { STOPWORDS, stem } from './check-eval-set.ts';

/** The tokens BM25 indexes: the eval set's content words, in order, with repeats (term frequency). */
export function bm25Tokens(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+(?:\.[0-9]+)?/g) ?? []).filter((t) => !STOPWORDS.has(t)).map(stem);
}

export class Bm25 {
  private readonly docs: Map<string, number>[] = [];
  private readonly lengths: number[] = [];
  private readonly df = new Map<string, number>();

  constructor(
    texts: readonly string[],
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {
    for (const t of texts) {
      const tf = new Map<string, number>();
      const tokens = bm25Tokens(t);
      for (const tok of tokens) tf.set(tok, (tf.get(tok) ?? 0) + 1);
      for (const tok of tf.keys()) this.df.set(tok, (this.df.get(tok) ?? 0) + 1);
      this.docs.push(tf);
      this.lengths.push(tokens.length);
    }
  }

  /** Indexes of the top `k` documents for a query, best first (only documents scoring above 0). */
  search(query: string, k: number): { index: number; score: number }[] {
    const n = this.docs.length;
    const avg = this.lengths.reduce((a, l) => a + l, 0) / Math.max(1, n);
    const terms = [...new Set(bm25Tokens(query))];
    const scores: { index: number; score: number }[] = [];
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (const t of terms) {
        const f = this.docs[i].get(t);
        if (!f) continue;
        const df = this.df.get(t) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        s += (idf * f * (this.k1 + 1)) / (f + this.k1 * (1 - this.b + (this.b * this.lengths[i]) / avg));
      }
      if (s > 0) scores.push({ index: i, score: s });
    }
    return scores.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
  }
}
