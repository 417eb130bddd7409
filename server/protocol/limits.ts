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
 * Plausibility of a result (README, "Implausible results"), relative to the class's noise and the
 * fork's own history. A kept record is flagged when its val_bpb is below its class's best
 * *confirmed* result (same harness key and hardware class) by more than the margin, and also below
 * its own fork's best earlier result there by more than the margin, where
 * margin = max(noiseMultiple × σ of the class, minRelativeStep × that confirmed best).
 * A class without a confirmed result flags nothing (its results are all unconfirmed and marked so).
 * A flagged record is stored and shown, never ranks, and is cleared once another key replicates
 * it within the noise.
 */
export const PLAUSIBILITY = { noiseMultiple: 10, minRelativeStep: 0.01 } as const;
