// Idea-matching quality: the real pipeline (features → embedding → matchIdea) over rows in order
// with an exact in-memory IdeaIndex, and pair precision/recall against labels. Shared by the
// labelled-set test and `npm run bench -- ideas-quality`.
import { readFileSync } from 'node:fs';
import type { Embedder } from '../../server/services/ideas/embedder.ts';
import { ideaFeatures } from '../../server/services/ideas/features.ts';
import type { Change } from '../../server/catalogue/relate.ts';
import { cosine, matchIdea, type Candidate, type IdeaIndex, type IdeaMatch } from '../../server/services/ideas/matcher.ts';

export interface LabelledRow {
  label: string;
  description: string;
  diff: string | null;
}

export const LABELLED_SET = new URL('../fixtures/ideas-labelled.tsv', import.meta.url);

/** The labelled TSV: columns label, description, diff (empty for none); `\n`, `\t`, `\\` escaped. */
export function loadLabelled(path: URL | string = LABELLED_SET): LabelledRow[] {
  const [header, ...lines] = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (header !== 'label\tdescription\tdiff') throw new Error(`${path}: unexpected header "${header}"`);
  const unescape = (s: string) => s.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
  return lines.map((line, i) => {
    const [label, description, diff = ''] = line.split('\t');
    if (!label || !description) throw new Error(`${path}:${i + 2}: label and description are required`);
    return { label, description: unescape(description), diff: diff ? unescape(diff) : null };
  });
}

/** An exact IdeaIndex over the records assigned so far: maps for the keys, a full cosine scan. */
export class MemoryIdeaIndex implements IdeaIndex {
  private readonly diffKeys = new Map<string, string>();
  private readonly paramKeys = new Map<string, string>();
  private readonly vectors: { vector: number[]; ideaId: string; paramKey: string | null }[] = [];
  private readonly changes = new Map<string, Change[]>();

  add(r: { ideaId: string; diffKey: string | null; paramKey: string | null; vector: number[]; changes?: readonly Change[] }): void {
    this.changes.set(r.ideaId, [...(this.changes.get(r.ideaId) ?? []), ...(r.changes ?? [])]);
    if (r.diffKey && !this.diffKeys.has(r.diffKey)) this.diffKeys.set(r.diffKey, r.ideaId);
    if (r.paramKey && !this.paramKeys.has(r.paramKey)) this.paramKeys.set(r.paramKey, r.ideaId);
    this.vectors.push({ vector: r.vector, ideaId: r.ideaId, paramKey: r.paramKey });
  }

  async byDiffKey(diffKey: string) {
    return this.diffKeys.get(diffKey) ?? null;
  }

  async byParamKey(paramKey: string) {
    return this.paramKeys.get(paramKey) ?? null;
  }

  async nearest(vector: number[], k: number): Promise<Candidate[]> {
    return this.vectors
      .map((r) => ({ ideaId: r.ideaId, paramKey: r.paramKey, similarity: cosine(vector, r.vector) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, k);
  }

  async changesOf(ideaId: string): Promise<readonly Change[]> {
    return this.changes.get(ideaId) ?? [];
  }
}

/** Each row's idea (in order; a new idea when nothing matches) and how it was matched. */
export async function assignIdeas(
  rows: readonly { description: string; diff: string | null }[],
  embedder: Embedder,
  threshold?: number,
): Promise<{ ideas: string[]; matches: IdeaMatch[] }> {
  const features = rows.map((r) => ideaFeatures(r));
  const vectors = await embedder.embed(features.map((f) => f.text));
  const index = new MemoryIdeaIndex();
  const ideas: string[] = [];
  const matches: IdeaMatch[] = [];
  for (const [i, f] of features.entries()) {
    const match = await matchIdea(f, vectors[i], index, threshold === undefined ? {} : { threshold });
    const ideaId = match.ideaId ?? `idea-${i}`;
    index.add({ ideaId, diffKey: f.diffKey, paramKey: f.paramKey, vector: vectors[i], changes: f.changes });
    ideas.push(ideaId);
    matches.push(match);
  }
  return { ideas, matches };
}

export interface PairScores {
  precision: number;
  recall: number;
  f1: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
}

/** Over all pairs of rows: predicted same idea vs labelled same (1 when there is nothing to get wrong). */
export function pairScores(predicted: readonly string[], labels: readonly string[]): PairScores {
  let truePairs = 0;
  let predictedPairs = 0;
  let correctPairs = 0;
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const same = labels[i] === labels[j];
      const guessed = predicted[i] === predicted[j];
      truePairs += +same;
      predictedPairs += +guessed;
      correctPairs += +(same && guessed);
    }
  }
  const precision = predictedPairs ? correctPairs / predictedPairs : 1;
  const recall = truePairs ? correctPairs / truePairs : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1, truePairs, predictedPairs, correctPairs };
}

/** The pairs the prediction got wrong, for reading: merged across labels, or split within one. */
export function pairErrors(
  rows: readonly LabelledRow[],
  predicted: readonly string[],
): { merged: [string, string][]; split: [string, string][] } {
  const merged: [string, string][] = [];
  const split: [string, string][] = [];
  for (let i = 0; i < rows.length; i++) {
    for (let j = i + 1; j < rows.length; j++) {
      const same = rows[i].label === rows[j].label;
      const guessed = predicted[i] === predicted[j];
      if (same !== guessed) (guessed ? merged : split).push([rows[i].description, rows[j].description]);
    }
  }
  return { merged, split };
}
