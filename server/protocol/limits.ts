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
