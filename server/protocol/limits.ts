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
 * Plausibility of a result (README, "Implausible results"). A record whose val_bpb beats its
 * parent's by more than `maxStep` in one experiment is stored but flagged, and stays off the
 * leaderboard until a record by another key in the same idea, harness and hardware class lands
 * within `noiseBand` of it.
 */
export const PLAUSIBILITY = { maxStep: 0.1, noiseBand: 0.005 } as const;
