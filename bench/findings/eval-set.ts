// The held-apart paraphrase set (paraphrases.json, novel-queries.json: written before the engine
// was tuned) as the findings benchmark reads it: each query's relevant corpus rows, whether it
// shares a content word with any of them (computed, not labelled), and its split (tuning looked
// at `dev` only; `test` is reported beside it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCorpus } from './corpus.ts';
import { sharesContentWord } from './check-eval-set.ts';

export interface EvalQuery {
  id: string;
  query: string;
  relevant: string[];
  note: string;
  hard: boolean;
  split: 'dev' | 'test';
}
export interface NovelQuery {
  id: string;
  query: string;
  note: string;
}

const HERE = new URL('.', import.meta.url).pathname;

export function loadEvalSet(): { queries: EvalQuery[]; novel: NovelQuery[] } {
  const raw = JSON.parse(readFileSync(join(HERE, 'paraphrases.json'), 'utf8')) as Omit<EvalQuery, 'hard' | 'split'>[];
  const novel = JSON.parse(readFileSync(join(HERE, 'novel-queries.json'), 'utf8')) as NovelQuery[];
  const descriptions = new Map(loadCorpus().flatMap((f) => f.rows.map((r) => [r.ref, r.row.description] as const)));
  const queries = raw.map((q, i) => {
    const texts = q.relevant.map((ref) => descriptions.get(ref) ?? '');
    return { ...q, hard: !sharesContentWord(q.query, texts), split: (i % 2 === 0 ? 'dev' : 'test') as EvalQuery['split'] };
  });
  return { queries, novel };
}
