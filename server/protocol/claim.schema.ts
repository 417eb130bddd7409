// `crossfork.claim/v1`: a signed, short-lived reservation ("I am about to try this") and the
// body of `POST /v1/ideas/check`, which describes an idea the same way.
import { z } from 'zod';
import { LIMITS } from './limits.ts';
import { rfc3339, sha256Hex, text, textBytes } from './fields.ts';
import { hardwareSchema } from './record.schema.ts';

export const CLAIM_SCHEMA = 'crossfork.claim/v1';
export const CLAIM_MAX_TTL_S = 3_600;
/** How far a claim's created_at may be from the server's clock. */
export const CLAIM_CLOCK_SKEW_S = 300;

export const claimPayloadSchema = z.strictObject({
  schema: z.literal(CLAIM_SCHEMA),
  created_at: rfc3339,
  description: text(LIMITS.descriptionChars, 1),
  diff: textBytes(LIMITS.diffBytes).nullable().optional(),
  harness_id: sha256Hex,
  hardware: hardwareSchema,
  ttl_s: z.number().int('must be an integer').min(1, 'must be ≥ 1').max(CLAIM_MAX_TTL_S, `must be ≤ ${CLAIM_MAX_TTL_S}`),
});

export type ClaimPayload = z.infer<typeof claimPayloadSchema>;

/** What the caller can say about its hardware when checking: the class is derived from it. */
export const callerHardwareSchema = hardwareSchema.partial({ device_count: true, memory_mb: true, driver: true, runtime: true });

export const checkRequestSchema = z
  .strictObject({
    description: text(LIMITS.descriptionChars, 1),
    diff: textBytes(LIMITS.diffBytes).nullable().optional(),
    harness_id: sha256Hex.optional(),
    hardware: callerHardwareSchema.optional(),
    limit: z.number().int().min(1).max(20).optional(),
    key_fingerprint: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be a key fingerprint as ssh-keygen -lf prints it (SHA256:…)')
      .optional()
      .describe("the caller's signing key: a warning is then followed up (did this key run the change anyway?) for the GPU time saved"),
  })
  .meta({ id: 'CheckRequest' });

export type CheckRequest = z.infer<typeof checkRequestSchema>;
