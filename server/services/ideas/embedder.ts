// The embedding interface idea matching depends on: texts in, unit vectors out, with a stable
// model id stored beside each vector. Implementations: local-embedder.ts, openai-embedder.ts.
import type { Understanding } from '../../catalogue/understand.ts';

export interface Embedder {
  /** Stable id stored with each vector, e.g. "local-hash-v1-256"; vectors of different ids never meet. */
  readonly model: string;
  readonly dimensions: number;
  /**
   * Where this model's cosine similarities mean something for retrieval: below `floor` a neighbour
   * counts for nothing, from `full` it counts fully (models spread paraphrases differently).
   */
  readonly calibration?: { floor: number; full: number };
  /**
   * Unit-length vectors, one per text, in order. Throws EmbedderError (retryable flag) on failure.
   * `readings[i]`, when given, is the catalogue's reading of `texts[i]` (ideaFeatures' `reading`):
   * an embedder that reads texts with the catalogue uses it instead of reading the text again.
   */
  embed(texts: string[], readings?: readonly (Understanding | null)[]): Promise<number[][]>;
}

/** An embedding failure; `retryable` when trying again later may succeed (timeouts, 429, 5xx). */
export class EmbedderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EmbedderError';
  }
}
