// Size limits that are part of the wire contract: clients and the server share them.
export const LIMITS = {
  descriptionChars: 2_000,
  diffBytes: 256 * 1024,
  shortText: 200,
  url: 500,
  signatureChars: 16 * 1024,
  publicKeyChars: 16 * 1024,
  batchRecords: 1_000,
} as const;

/**
 * Plausibility of a kept result (docs/trust.md), judged by services/trust/plausibility.ts against the
 * whole class on its harness (other forks' results, confirmed or not), the fork's own history and
 * the record's own evidence. A keep is flagged when:
 * - its run trained less than minBudgetShare of the harness's time budget;
 * - it is more than maxStepShare (and the margin) below its parent, or its fork's best, in one step
 *   (the largest early gain of the real forks in the corpus is 29%);
 * - it beats the best of every other fork of the class by more than the margin, and its own fork's
 *   best too (margin = max(noiseMultiple × σ of the class, minRelativeStep × that best, the
 *   class's robust spread 1.4826 × MAD));
 * - it would lead the class with no parent, diff nor run metrics, from a key with no history;
 * - it would lead the class with tokens or steps more than metricRatio× off the class's median.
 * A flagged record is stored and shown with its reason, never leads, not even as a claim, and is
 * cleared once another key replicates it within the noise.
 */
export const PLAUSIBILITY = { noiseMultiple: 10, minRelativeStep: 0.01, maxStepShare: 0.4, minBudgetShare: 0.5, metricRatio: 8 } as const;
