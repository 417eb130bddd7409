// The signed envelope that carries every write: payload + armored SSHSIG + OpenSSH public key.
import { z } from 'zod';
import { LIMITS } from './limits.ts';

export const envelopeSchema = z.strictObject({
  payload: z.record(z.string(), z.unknown()),
  signature: z.string().min(1, 'must not be empty').max(LIMITS.signatureChars),
  public_key: z.string().min(1, 'must not be empty').max(LIMITS.publicKeyChars),
});

export type Envelope = z.infer<typeof envelopeSchema>;

export const batchSchema = z.strictObject({
  records: z
    .array(z.unknown())
    .min(1, 'must hold at least one envelope')
    .max(LIMITS.batchRecords, `must hold at most ${LIMITS.batchRecords} envelopes`),
});

/** Every payload type a signed envelope may carry. */
export const PAYLOAD_SCHEMAS = ['crossfork.record/v1', 'crossfork.claim/v1', 'crossfork.key/v1'] as const;
